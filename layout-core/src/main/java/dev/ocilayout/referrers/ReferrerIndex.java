package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.store.BlobStore;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every referrer recorded in a layout, whoever recorded it, looked up by subject.
 *
 * <p>Built once from {@code index.json}: response indexes (PR #1171 and olareg keys), fallback tags,
 * containerd's subject annotation, entries whose manifest has a {@code subject} (oras), manifests with a
 * {@code subject} inside listed indexes (BuildKit oci-artifact attestations), BuildKit's legacy
 * attestation annotations and, on request, manifests only present in {@code blobs/} (cosign save). A
 * query is then a map lookup plus reading the few candidates for that subject, each verified: a listed
 * referrer that is missing, or whose {@code subject} is another digest, is reported as stale and left out.
 */
public final class ReferrerIndex {
    /** An {@code index.json} entry that exists to record referrers (or is one, untagged). */
    public record Bookkeeping(Descriptor entry, Source kind, Digest subject) {
    }

    /** A recorded referrer; {@code scope} is the repository a fallback tag belongs to, null for records by digest. */
    private record Candidate(Descriptor descriptor, Source source, RepositoryScope scope) {
    }

    private final Layout layout;
    private final Map<Digest, List<Candidate>> bySubject = new LinkedHashMap<>();
    private final List<Bookkeeping> bookkeeping = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<Digest, Manifest> manifests = new HashMap<>();

    private ReferrerIndex(Layout layout) {
        this.layout = layout;
    }

    /**
     * Reads every convention from the layout as it is now.
     *
     * @param scanBlobs also parse manifests found only in {@code blobs/} (costs a read of every small blob)
     */
    public static ReferrerIndex build(Layout layout, boolean scanBlobs) throws IOException {
        ReferrerIndex r = new ReferrerIndex(layout);
        r.load(layout.index().read(), scanBlobs);
        return r;
    }

    /**
     * Reads every convention from {@code index} (not the layout's own {@code index.json}, e.g. the index of an
     * archive being imported) with manifests read from the layout's blobs.
     */
    public static ReferrerIndex build(Layout layout, ImageIndex index) throws IOException {
        ReferrerIndex r = new ReferrerIndex(layout);
        r.load(index, false);
        return r;
    }

    /** Subjects with at least one recorded referrer (not yet verified), in the order first met. */
    public Set<Digest> subjects() {
        return bySubject.keySet();
    }

    /** The entries of {@code index.json} that record referrers, for conversion and detach. */
    public List<Bookkeeping> bookkeeping() {
        return List.copyOf(bookkeeping);
    }

    /** Stale or invalid records met so far (building and queries). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** How many candidates each convention holds, for {@code referrers detect}. */
    public Map<Source, Integer> counts() {
        Map<Source, Integer> counts = new LinkedHashMap<>();
        for (Source s : Source.values()) {
            counts.put(s, 0);
        }
        bySubject.values().forEach(list -> list.forEach(c -> counts.merge(c.source(), 1, Integer::sum)));
        return counts;
    }

    /**
     * The verified referrers of {@code subject}, in a stable order, each once, as a registry's referrers
     * response would list them.
     *
     * @param artifactType only referrers of this artifact type, or null for all
     */
    public List<Referrer> referrers(Digest subject, String artifactType) throws IOException {
        return referrers(subject, artifactType, null);
    }

    /**
     * The referrers of {@code subject} seen from one repository of a layout that holds several
     * (spec-notes/repositories.md): those recorded by digest, which every repository shares, and those under
     * that repository's own fallback tag; another repository's fallback tag is its own.
     *
     * @param scope the repository, or null for every record of the layout
     */
    public List<Referrer> referrers(Digest subject, String artifactType, RepositoryScope scope) throws IOException {
        Map<Digest, Descriptor> found = new LinkedHashMap<>();
        Map<Digest, EnumSet<Source>> sources = new HashMap<>();
        for (Candidate c : bySubject.getOrDefault(subject, List.of())) {
            if (scope != null && c.scope() != null && !c.scope().equals(scope)) {
                continue;
            }
            Digest d = c.descriptor().digest();
            if (found.containsKey(d)) {
                sources.get(d).add(c.source());
                continue;
            }
            Manifest m = manifest(c.descriptor());
            if (m == null) {
                problems.add("stale " + c.source().label() + " record: referrer " + d + " of " + subject
                        + " is missing or unreadable");
                continue;
            }
            boolean matches = m.subject() != null ? m.subject().digest().equals(subject)
                    : c.source() == Source.BUILDKIT_LEGACY || c.source() == Source.COSIGN_TAG;
            if (!matches) {
                problems.add("stale " + c.source().label() + " record: " + d + " is listed as a referrer of " + subject
                        + " but its subject is " + (m.subject() == null ? "absent" : m.subject().digest()));
                continue;
            }
            Descriptor response = responseDescriptor(c.descriptor(), m);
            found.put(d, c.source() == Source.COSIGN_TAG ? response.withArtifactType(c.descriptor().artifactType())
                    : response);
            sources.put(d, EnumSet.of(c.source()));
        }
        List<Referrer> out = new ArrayList<>();
        for (Map.Entry<Digest, Descriptor> e : found.entrySet()) {
            if (artifactType == null || artifactType.equals(e.getValue().artifactType())) {
                out.add(new Referrer(e.getValue(), sources.get(e.getKey())));
            }
        }
        return out;
    }

    /**
     * The descriptor of a referrers response (distribution-spec, "Listing Referrers"): artifactType is the
     * manifest's, else its config's media type, omitted for an index without one; annotations are the
     * manifest's.
     */
    public static Descriptor responseDescriptor(Descriptor d, Manifest m) {
        String artifactType = m.artifactType();
        if (artifactType == null && m instanceof ImageManifest im && im.config() != null) {
            artifactType = im.config().mediaType();
        }
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, m.annotations(), null, null, artifactType,
                null);
    }

    // ------------------------------------------------------------------ building

    private void load(ImageIndex index, boolean scanBlobs) throws IOException {
        List<Descriptor> toRead = new ArrayList<>();
        for (Descriptor e : index.manifests()) {
            String oci = e.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT);
            String olareg = e.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT);
            if ((oci != null || olareg != null) && MediaType.isIndex(e.mediaType())) {
                loadResponseIndex(e, oci != null ? oci : olareg, oci != null ? Source.REFERRER_SUBJECT : Source.OLAREG_SUBJECT);
            } else if (isFallbackEntry(e)) {
                loadFallbackTag(e);
            } else if (e.refName() != null && ReferrerKeys.subjectOfCosignTag(RefName.tagOf(e.refName())) != null) {
                // cosign's legacy tags: the subject is the name; a repository's tag is its own, like a fallback tag
                Digest subject = ReferrerKeys.subjectOfCosignTag(RefName.tagOf(e.refName()));
                Descriptor typed = e.withArtifactType(ReferrerKeys.cosignArtifactType(e.refName()));
                bySubject.computeIfAbsent(subject, k -> new ArrayList<>())
                        .add(new Candidate(typed, Source.COSIGN_TAG, RepositoryScope.ofRefName(e.refName())));
            } else if (e.annotation(ReferrerKeys.CONTAINERD_SUBJECT) != null) {
                Digest s = Digest.tryParse(e.annotation(ReferrerKeys.CONTAINERD_SUBJECT));
                if (s == null) {
                    problems.add("index.json entry " + e.digest() + ": invalid " + ReferrerKeys.CONTAINERD_SUBJECT + " "
                            + Text.quote(e.annotation(ReferrerKeys.CONTAINERD_SUBJECT)));
                    continue;
                }
                add(s, e, Source.SUBJECT_ANNOTATION);
                if (e.refName() == null) {
                    bookkeeping.add(new Bookkeeping(e, Source.SUBJECT_ANNOTATION, s));
                }
            } else if (MediaType.isManifestOrIndex(e.mediaType())) {
                toRead.add(e);
            }
        }
        List<Manifest> read = readAll(toRead);
        for (int i = 0; i < toRead.size(); i++) {
            Descriptor e = toRead.get(i);
            Manifest m = read.get(i);
            if (m == null) {
                continue; // unreadable entries are fsck's business
            }
            if (m.subject() != null) {
                add(m.subject().digest(), e, Source.INDEX_ENTRY);
                if (e.refName() == null) {
                    bookkeeping.add(new Bookkeeping(e, Source.INDEX_ENTRY, m.subject().digest()));
                }
            }
            if (m instanceof ImageIndex nested) {
                loadNested(nested);
            }
        }
        if (scanBlobs) {
            scanBlobs();
        }
    }

    /** A referrers response listed by subject annotation: its entries are candidates of that subject. */
    private void loadResponseIndex(Descriptor e, String subjectText, Source source) {
        Digest s = Digest.tryParse(subjectText);
        if (s == null) {
            problems.add("index.json entry " + e.digest() + ": invalid referrer subject " + Text.quote(subjectText));
            return;
        }
        bookkeeping.add(new Bookkeeping(e, source, s));
        ImageIndex response = readIndex(e, source);
        if (response != null) {
            response.manifests().forEach(c -> add(s, c, source));
        }
    }

    /** A referrers index under the fallback tag; the subject comes from the tag, or from its entries. */
    private void loadFallbackTag(Descriptor e) {
        ImageIndex response = readIndex(e, Source.FALLBACK_TAG);
        if (response == null) {
            return;
        }
        String tag = RefName.tagOf(e.refName());
        Digest s = ReferrerKeys.subjectOfFallbackTag(tag);
        if (s == null) {
            // A truncated tag (sha512): the subject is whatever its entries point to, if the tag matches it.
            for (Descriptor c : response.manifests()) {
                Manifest m = manifest(c);
                if (m != null && m.subject() != null
                        && ReferrerKeys.fallbackTag(m.subject().digest()).equals(tag)) {
                    s = m.subject().digest();
                    break;
                }
            }
        }
        if (s == null) {
            problems.add("fallback tag " + e.refName() + " lists no referrer whose subject matches the tag");
            return;
        }
        bookkeeping.add(new Bookkeeping(e, Source.FALLBACK_TAG, s));
        RepositoryScope scope = RepositoryScope.ofRefName(e.refName());
        for (Descriptor c : response.manifests()) {
            bySubject.computeIfAbsent(s, k -> new ArrayList<>()).add(new Candidate(c, Source.FALLBACK_TAG, scope));
        }
    }

    /** Attestations BuildKit puts inside an image index: legacy annotations, or manifests with a subject. */
    private void loadNested(ImageIndex index) {
        for (Descriptor c : index.manifests()) {
            String type = c.annotation(ReferrerKeys.BUILDKIT_REFERENCE_TYPE);
            Digest legacy = Digest.tryParse(c.annotation(ReferrerKeys.BUILDKIT_REFERENCE_DIGEST));
            if (ReferrerKeys.BUILDKIT_ATTESTATION.equals(type) && legacy != null) {
                add(legacy, c, Source.BUILDKIT_LEGACY);
            }
            boolean attestationLike = type != null || c.artifactType() != null
                    || c.platform() != null && "unknown".equals(c.platform().os());
            if (attestationLike && MediaType.isManifestOrIndex(c.mediaType())) {
                Manifest m = manifest(c);
                if (m != null && m.subject() != null) {
                    add(m.subject().digest(), c, Source.NESTED);
                }
            }
        }
    }

    /** Manifests only in blobs/ that carry a subject (the layout cosign save leaves). */
    private void scanBlobs() throws IOException {
        List<Digest> all = layout.blobs().digests();
        all.sort(null);
        List<BlobStore.Examined> seen = layout.blobs().examine(all, 2, layout.options().maxManifestBytes(),
                SUBJECT_CANDIDATES);
        for (int i = 0; i < all.size(); i++) {
            Manifest m = manifestWithSubject(all.get(i), seen.get(i).content());
            if (m != null) {
                Descriptor d = blobOnlyDescriptor(all.get(i), m, seen.get(i).attributes().size());
                manifests.put(d.digest(), m);
                add(m.subject().digest(), d, Source.BLOB_ONLY);
            }
        }
    }

    /** The descriptor a manifest found only among the blobs is known by: its own media type, else its shape. */
    public static Descriptor blobOnlyDescriptor(Digest digest, Manifest m, long size) {
        String type = m.mediaType() != null ? m.mediaType()
                : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        return Descriptor.of(type, digest, size);
    }

    /**
     * True when the bytes could be a manifest with a subject: a JSON object (after any leading whitespace)
     * that contains {@code "subject"}. Cheap enough to run on every small blob.
     */
    public static boolean mayHaveSubject(byte[] bytes) {
        int first = firstNonWhitespace(bytes, bytes.length);
        return first >= 0 && bytes[first] == '{' && indexOf(bytes, SUBJECT) >= 0;
    }

    /**
     * Which blobs may be manifests with a subject, for {@link BlobStore#examine}: their head must open a
     * JSON object, so of a compressed layer only the first 4 KiB are read.
     */
    public static final BlobStore.ContentTest SUBJECT_CANDIDATES = new BlobStore.ContentTest() {
        @Override
        public boolean mayPass(byte[] head, int length) {
            int first = firstNonWhitespace(head, length);
            return first < 0 || head[first] == '{'; // only whitespace so far: the rest decides
        }

        @Override
        public boolean test(byte[] content) {
            return mayHaveSubject(content);
        }
    };

    /** The index of the first byte of {@code bytes[0..length)} that is not JSON whitespace, or -1. */
    private static int firstNonWhitespace(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\n' && bytes[i] != '\r') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The bytes as a manifest with a subject, or null: only bytes that {@link #mayHaveSubject may have one}
     * and match the digest (of an algorithm this tool implements) are parsed.
     */
    public static Manifest manifestWithSubject(Digest digest, byte[] bytes) {
        if (bytes == null || !mayHaveSubject(bytes)) {
            return null;
        }
        var algorithm = digest.knownAlgorithm();
        if (algorithm.isEmpty() || !Digest.of(algorithm.get(), algorithm.get().newMessageDigest().digest(bytes))
                .equals(digest)) {
            return null;
        }
        try {
            Manifest m = ModelJson.parseManifest(bytes, null, "blob " + digest);
            return m.subject() != null ? m : null;
        } catch (InvalidContentException e) {
            return null;
        }
    }

    private static final byte[] SUBJECT = "\"subject\"".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A tagged index whose tag is a referrers tag of a registered algorithm: a plain tag, or the tag of a
     * full name ({@code localhost/bimg:sha256-...}, that repository's fallback tag).
     */
    public static boolean isFallbackEntry(Descriptor e) {
        if (e.refName() == null || !MediaType.isIndex(e.mediaType())) {
            return false;
        }
        String tag = RefName.tagOf(e.refName());
        int dash = tag.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        String algorithm = tag.substring(0, dash);
        String encoded = tag.substring(dash + 1);
        int full = switch (algorithm) {
            case "sha256", "blake3" -> 64;
            case "sha512" -> 128;
            default -> -1;
        };
        return full > 0 && encoded.length() == Math.min(full, 64) && encoded.chars().allMatch(
                ch -> ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f');
    }

    private void add(Digest subject, Descriptor referrer, Source source) {
        bySubject.computeIfAbsent(subject, k -> new ArrayList<>()).add(new Candidate(referrer, source, null));
    }

    private ImageIndex readIndex(Descriptor e, Source source) {
        Manifest m = manifest(e);
        if (m instanceof ImageIndex idx) {
            return idx;
        }
        problems.add("invalid " + source.label() + " record " + (e.refName() != null ? e.refName() + " " : "")
                + e.digest() + ": not a readable image index; ignored");
        return null;
    }

    /**
     * Reads the entries that might be referrers or hold them. A manifest whose bytes do not contain
     * {@code "subject"} cannot be a referrer, so it is not parsed (indexes are, for nested attestations).
     */
    private List<Manifest> readAll(List<Descriptor> ds) throws IOException {
        List<Manifest> out = Parallel.map(ds, Runtime.getRuntime().availableProcessors(), d -> {
            try {
                byte[] bytes = layout.readManifestBytes(d);
                if (!MediaType.isIndex(d.mediaType()) && indexOf(bytes, SUBJECT) < 0) {
                    return null;
                }
                return ModelJson.parseManifest(bytes, d.mediaType(), "manifest " + d.digest());
            } catch (IOException e) {
                return null;
            }
        });
        for (int i = 0; i < ds.size(); i++) {
            if (out.get(i) != null) {
                manifests.put(ds.get(i).digest(), out.get(i));
            }
        }
        return out;
    }

    /** Reads (once) and parses a manifest or index; null when it is missing, corrupt or not a manifest. */
    private Manifest manifest(Descriptor d) {
        Manifest known = manifests.get(d.digest());
        if (known != null) {
            return known;
        }
        Manifest m = read(d);
        if (m != null) {
            manifests.put(d.digest(), m);
        }
        return m;
    }

    private Manifest read(Descriptor d) {
        try {
            return layout.readManifest(d);
        } catch (IOException e) {
            return null;
        }
    }
}
