package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.graph.FailClosed;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attaching, detaching and converting referrers: the use cases over {@link ReferrerStrategy} and {@link ReferrerIndex}. */
public final class Referrers {
    private Referrers() {
    }

    /**
     * The strategy for new writes: {@code name} when given, else the convention the layout already uses
     * ({@link #detected}), else subject-annotation, which the most tools can read.
     */
    public static ReferrerStrategy choose(Layout layout, String name, boolean olareg) throws IOException {
        if (name != null) {
            return ReferrerStrategy.named(name, olareg);
        }
        ReferrerStrategy found = detected(layout.index().read());
        if (found instanceof ResponseIndexStrategy && olareg) {
            return new ResponseIndexStrategy(true);
        }
        return found != null ? found : new SubjectAnnotationStrategy();
    }

    /**
     * The convention an index records its referrers by, or null when it records none: fallback tags together
     * with subject-annotation entries are every-reader; fallback tags alone fallback-tag; response indexes
     * referrer-subject (olareg's key when only it is seen); subject-annotation entries subject-annotation.
     */
    public static ReferrerStrategy detected(ImageIndex index) {
        boolean fallback = false;
        boolean annotated = false;
        boolean olaregSeen = false;
        boolean ociSeen = false;
        for (Descriptor d : index.manifests()) {
            fallback |= ReferrerIndex.isFallbackEntry(d);
            annotated |= d.refName() == null && d.annotation(ReferrerKeys.CONTAINERD_SUBJECT) != null;
            olaregSeen |= d.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT) != null;
            ociSeen |= d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) != null;
        }
        if (fallback) {
            return annotated ? new EveryReaderStrategy() : new FallbackTagStrategy();
        }
        if (ociSeen || olaregSeen) {
            return new ResponseIndexStrategy(olaregSeen && !ociSeen);
        }
        return annotated ? new SubjectAnnotationStrategy() : null;
    }

    /**
     * How a copy records referrers in its destination when not told: the destination's own convention when it
     * has one; a destination that records none yet takes the source's, so that the tools that read the source's
     * referrers find them in the copy too (regclient reads only fallback tags); else null (the default).
     */
    public static ReferrerStrategy forCopy(ImageIndex destination, ImageIndex source) {
        ReferrerStrategy own = detected(destination);
        return own != null ? own : source == null ? null : detected(source);
    }

    /**
     * Stores an existing manifest or index as is and records it as a referrer. Its {@code subject} must be
     * {@code subject}, and everything it references must already be in the layout.
     */
    public static Descriptor attachManifest(Layout layout, Descriptor subject, byte[] bytes, ReferrerStrategy strategy)
            throws IOException {
        Manifest m = ModelJson.parseManifest(bytes, null, "the manifest to attach");
        if (m.subject() == null || !m.subject().digest().equals(subject.digest())) {
            throw new InvalidContentException("the manifest to attach has subject "
                    + (m.subject() == null ? "none" : m.subject().digest()) + ", not " + subject.digest());
        }
        String type = m.mediaType() != null ? m.mediaType()
                : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        List<Descriptor> needed = new ArrayList<>();
        for (Descriptor c : m.children()) {
            if (c.data() == null && c.urls().isEmpty()) {
                needed.add(c);
            }
        }
        layout.blobs().requirePresent(needed);
        Descriptor stored = layout.blobs().put(bytes, type);
        Descriptor response = ReferrerIndex.responseDescriptor(stored, m);
        layout.index().update(index -> {
            layout.blobs().requirePresent(needed);
            return strategy.add(layout, index, subject.digest(), response);
        });
        return stored;
    }

    /**
     * What {@link #detach} did.
     *
     * @param manifestRemoved the referrer's manifest was deleted from {@code blobs/} too (its config and layers
     *                        then go at the next gc)
     * @param keptBecause     why the manifest was kept, when it was: a tag names it, another manifest lists it,
     *                        or other referrers have it as their subject; null when removed
     */
    public record Detached(boolean manifestRemoved, String keptBecause) {
    }

    /**
     * Removes a referrer's bookkeeping everywhere it is recorded (untagged entries, response indexes,
     * fallback tags); then, under the same lock, its manifest, unless something still needs it (a tag naming
     * it, a manifest listing it, referrers of it). A detached referrer is so not kept by gc as a blob-only
     * referrer of its live subject (spec-notes/gc.md), while one that {@code cosign save} left in
     * {@code blobs/}, which nothing detached, still is.
     *
     * @throws NotFoundException when no convention records it
     * @throws UnsupportedException when it is only recorded inside another manifest (a BuildKit attestation)
     */
    public static Detached detach(Layout layout, Digest referrer) throws IOException {
        try (dev.ocilayout.store.LayoutLock.Held held = layout.lock()) {
            ImageIndex after = layout.index().update(index -> {
                ReferrerIndex lookup = ReferrerIndex.build(layout, index);
                FailClosed.requireReadable(layout, recordsOf(index, lookup), "detach " + referrer);
                ImageIndex next = index;
                for (ReferrerStrategy s : all()) {
                    next = s.remove(layout, next, referrer);
                }
                if (next.equals(index)) {
                    for (Digest subject : lookup.subjects()) {
                        for (Referrer r : lookup.referrers(subject, null)) {
                            if (r.descriptor().digest().equals(referrer)) {
                                throw new UnsupportedException(referrer + " is recorded only inside another manifest ("
                                        + r.sources().iterator().next().label() + "); detaching it would change that"
                                        + " manifest's digest");
                            }
                        }
                    }
                    throw new NotFoundException("no referrer " + referrer + " is recorded in " + layout.root());
                }
                return next;
            });
            String kept = stillNeeded(layout, after, referrer);
            if (kept == null) {
                layout.blobs().deleteIf(List.of(referrer), a -> a.isRegularFile());
            }
            return new Detached(kept == null, kept);
        }
    }

    /** Why the detached referrer's manifest must stay, or null when nothing in the layout needs it any more. */
    private static String stillNeeded(Layout layout, ImageIndex index, Digest referrer) throws IOException {
        for (Descriptor e : index.manifests()) {
            if (e.digest().equals(referrer)) {
                return e.refName() != null ? "tag " + e.refName() + " names it" : "an index.json entry lists it";
            }
        }
        dev.ocilayout.graph.Graph graph = dev.ocilayout.graph.GraphWalker.walk(layout, index.manifests());
        if (!graph.unreadable().isEmpty()) {
            return "content it might be part of cannot be read"; // fail closed: gc decides later
        }
        if (graph.reachable().contains(referrer)) {
            return "another manifest lists it";
        }
        if (ReferrerIndex.build(layout, index).subjects().contains(referrer)) {
            return "other referrers have it as their subject";
        }
        return null;
    }

    /** What a conversion found and wrote. */
    /**
     * @param bookkeepingRemoved records of other conventions that are gone (none when they were already the target's)
     * @param changed            whether {@code index.json} changed at all
     */
    public record ConvertReport(String target, int subjects, int referrers, int bookkeepingRemoved, boolean changed,
                                List<String> problems) {
    }

    /** The name {@code referrers convert --to} takes for cosign's tags. */
    public static final String COSIGN_TAGS = "cosign-tag";

    /**
     * Rewrites the referrer bookkeeping into {@code target}'s convention, never a manifest. Every verified
     * referrer of every subject is recorded the target's way; unless {@code keepSource}, other conventions'
     * bookkeeping (untagged referrer entries, response indexes, fallback tags, and cosign's tags of manifests
     * that name their subject) is removed; every-reader keeps cosign's tags and adds the missing ones, cosign
     * being a reader too. cosign's legacy signatures, which name no subject, stay tags and are recorded no other
     * way (spec-notes/signatures.md). Converting A to B and back gives the same referrers; converting twice
     * changes nothing.
     */
    public static ConvertReport convert(Layout layout, ReferrerStrategy target, boolean keepSource, boolean scanBlobs)
            throws IOException {
        return convert(layout, target, target instanceof EveryReaderStrategy, false, keepSource, scanBlobs);
    }

    /**
     * Moves every referrer of cosign's artifact types ({@code application/vnd.dev.cosign.artifact.sig.v1+json},
     * {@code .att}, {@code .sbom}) to cosign's tag of its subject ({@code sha256-<hex>.sig}), in every
     * repository that tags the subject (else as a plain tag); the other referrers stay recorded as the layout
     * records them. A referrer whose tag already names another manifest stays recorded, and is reported.
     */
    public static ConvertReport convertToCosignTags(Layout layout, boolean keepSource, boolean scanBlobs) throws IOException {
        ReferrerStrategy others = detected(layout.index().read());
        return convert(layout, others != null ? others : new SubjectAnnotationStrategy(), true, true, keepSource, scanBlobs);
    }

    /**
     * @param cosignTags     write cosign's tags of its artifact types' referrers
     * @param cosignTagsOnly and record those no other way (their records are dropped unless {@code keepSource})
     */
    private static ConvertReport convert(Layout layout, ReferrerStrategy target, boolean cosignTags, boolean cosignTagsOnly,
                                         boolean keepSource, boolean scanBlobs) throws IOException {
        int[] counts = new int[3];
        boolean[] changed = {false};
        List<String> problems = new ArrayList<>();
        layout.index().update(index -> {
            ReferrerIndex lookup = ReferrerIndex.build(layout, scanBlobs);
            // every record is rewritten or dropped: one that cannot be read would lose the referrers it lists
            FailClosed.requireReadable(layout, recordsOf(index, lookup), "referrers convert");
            Map<Digest, List<Referrer>> all = new LinkedHashMap<>();
            for (Digest subject : lookup.subjects()) {
                List<Referrer> list = lookup.referrers(subject, null);
                if (!list.isEmpty()) {
                    all.put(subject, list);
                }
            }
            problems.addAll(lookup.problems());
            // cosign's tags of the referrers found, each manifest read once: those naming their subject can move
            // into records; its legacy signatures name none
            Set<Digest> found = new HashSet<>();
            all.values().forEach(list -> list.forEach(r -> found.add(r.descriptor().digest())));
            List<Descriptor> movable = new ArrayList<>();
            Set<Digest> subjectless = new HashSet<>();
            for (Descriptor e : index.manifests()) {
                Digest named = e.refName() == null ? null : ReferrerKeys.subjectOfCosignTag(RefName.tagOf(e.refName()));
                if (named != null && found.contains(e.digest())) {
                    Digest own = subjectOf(layout, e);
                    if (own == null) {
                        subjectless.add(e.digest());
                    } else if (own.equals(named)) {
                        movable.add(e);
                    }
                }
            }
            ImageIndex next = index;
            Set<Descriptor> drop = new HashSet<>();
            if (!keepSource) {
                for (ReferrerIndex.Bookkeeping b : lookup.bookkeeping()) {
                    drop.add(b.entry());
                }
                if (!cosignTags) {
                    drop.addAll(movable); // into the target's records
                }
                next = next.without(drop::contains);
                if (!(target instanceof ResponseIndexStrategy)) {
                    Map<String, String> a = new LinkedHashMap<>(next.annotations());
                    a.remove(ReferrerKeys.OLAREG_REFERRER_CONVERT);
                    next = next.withAnnotations(a);
                }
            }
            for (Map.Entry<Digest, List<Referrer>> e : all.entrySet()) {
                counts[0]++;
                List<Descriptor> recorded = new ArrayList<>();
                for (Referrer r : e.getValue()) {
                    if (r.sources().contains(Source.COSIGN_TAG) && subjectless.contains(r.descriptor().digest())) {
                        // cosign's legacy signature names no subject: its tag is the only link any reader can
                        // follow (a referrers record of it would be stale to them), so it stays a tag alone
                        continue;
                    }
                    counts[1]++;
                    String suffix = ReferrerKeys.cosignSuffixOf(r.descriptor().artifactType());
                    boolean tagged = false;
                    if (cosignTags && suffix != null) {
                        ImageIndex withTags = cosignTag(next, e.getKey(), r.descriptor(), suffix, problems);
                        tagged = withTags != null;
                        next = tagged ? withTags : next;
                    }
                    if (!(tagged && cosignTagsOnly)) {
                        recorded.add(r.descriptor());
                    }
                }
                next = recorded.isEmpty() ? next : target.addAll(layout, next, e.getKey(), recorded);
            }
            Set<Descriptor> kept = new HashSet<>(next.manifests());
            counts[2] = (int) drop.stream().filter(d -> !kept.contains(d)).count();
            changed[0] = !next.equals(index);
            return next;
        });
        return new ConvertReport(cosignTagsOnly ? COSIGN_TAGS : target.name(), counts[0], counts[1], counts[2], changed[0],
                problems);
    }

    /** The subject a manifest names, or null. */
    private static Digest subjectOf(Layout layout, Descriptor manifest) throws IOException {
        Manifest m = ModelJson.parseManifest(layout.readManifestBytes(manifest), manifest.mediaType(),
                manifest.digest().toString());
        return m.subject() == null ? null : m.subject().digest();
    }

    /**
     * {@code index} with cosign's tag of {@code subject} naming {@code referrer} in every repository that tags
     * the subject (else as a plain tag), or null when such a tag already names another manifest.
     */
    private static ImageIndex cosignTag(ImageIndex index, Digest subject, Descriptor referrer, String suffix,
                                        List<String> problems) {
        Set<RepositoryScope> scopes = new java.util.LinkedHashSet<>();
        for (Descriptor d : index.manifests()) {
            if (d.digest().equals(subject) && d.refName() != null) {
                scopes.add(RepositoryScope.ofRefName(d.refName()));
            }
        }
        if (scopes.isEmpty()) {
            scopes.add(RepositoryScope.UNNAMED);
        }
        ImageIndex next = index;
        for (RepositoryScope scope : scopes) {
            String name = scope.refName(ReferrerKeys.cosignTag(subject, suffix));
            List<Descriptor> named = Tags.entries(next, name);
            if (named.isEmpty()) {
                // as sign writes it: the manifest's own fields, no artifact type (the name says what it is)
                next = Tags.tag(next, name, Descriptor.of(referrer.mediaType(), referrer.digest(), referrer.size()));
            } else if (!named.get(0).digest().equals(referrer.digest())) {
                problems.add("referrer " + referrer.digest() + " of " + subject + " stays recorded: tag " + name
                        + " names " + named.get(0).digest());
                return null;
            }
        }
        return next;
    }

    /**
     * The {@code index.json} entries that record referrers: those the lookup understood, and every fallback
     * tag and response index, readable or not.
     */
    private static List<Descriptor> recordsOf(ImageIndex index, ReferrerIndex lookup) {
        Set<Descriptor> records = new java.util.LinkedHashSet<>();
        for (Descriptor e : index.manifests()) {
            if (ReferrerIndex.isFallbackEntry(e) || MediaType.isIndex(e.mediaType())
                    && (e.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) != null
                    || e.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT) != null)) {
                records.add(e);
            }
        }
        lookup.bookkeeping().forEach(b -> records.add(b.entry()));
        return List.copyOf(records);
    }

    private static List<ReferrerStrategy> all() {
        return List.of(new SubjectAnnotationStrategy(), new ResponseIndexStrategy(false), new FallbackTagStrategy());
    }
}
