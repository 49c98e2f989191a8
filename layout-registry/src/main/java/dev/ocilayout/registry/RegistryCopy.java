package dev.ocilayout.registry;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.Closure;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Copies between a registry and a layout, both ways, with what the content references and, on request, its
 * referrers (read through the referrers API or the fallback tag; written so a registry without the API
 * keeps them under the fallback tag, as the distribution-spec says). Blobs already at the destination are
 * skipped, so a rerun resumes; blobs move in parallel; everything pulled is verified by the layout's ingest.
 * See spec-notes/registry-copy.md.
 */
public final class RegistryCopy {
    /**
     * @param referrers also copy referrers, recursively
     * @param platforms keep only these platforms of an index (empty: all)
     * @param parallel  blobs transferred at once
     * @param mountFrom on push, a repository of the same registry to mount missing blobs from before uploading
     *                  them (null: upload)
     */
    public record Options(boolean referrers, List<Platform> platforms, int parallel, String mountFrom) {
        public Options {
            platforms = List.copyOf(platforms);
            parallel = Math.max(1, parallel);
        }

        public static Options defaults() {
            return new Options(false, List.of(), 4, null);
        }
    }

    /**
     * What a copy did.
     *
     * @param root      the root as copied (a new index when filtered by platform)
     * @param blobs     blobs and manifests the copy covered
     * @param skipped   of those, the ones the destination had
     * @param bytes     bytes transferred
     * @param referrers referrers copied
     */
    public record Report(Descriptor root, int blobs, int skipped, long bytes, int referrers) {
    }

    private RegistryCopy() {
    }

    // ------------------------------------------------------------------ registry -> layout

    /**
     * Pulls {@code src} into {@code dst}, tagged {@code tag} (untagged when null) once everything is in place:
     * the copy over the roles ({@link TargetCopy}) from the repository to the layout.
     */
    public static Report pull(RegistryClient client, RegistryRef src, Layout dst, String tag, Options options,
                              LongConsumer progress) throws IOException {
        if (tag != null) {
            RefName.validate(tag);
        }
        TargetCopy.Report r = TargetCopy.copy(new RegistryTarget(client, src.repository()), src.reference(),
                new LayoutTarget(dst), tag, new TargetCopy.Options(options.referrers(), options.platforms(),
                        options.parallel()), progress);
        if (tag == null) {
            Descriptor root = r.root();
            dst.index().update(index -> {
                dst.blobs().requirePresent(List.of(root));
                return Tags.addUntagged(index, root);
            });
        }
        return new Report(r.root(), r.blobs(), r.skipped(), r.bytes(), r.referrers());
    }

    // ------------------------------------------------------------------ layout -> registry

    /** Pushes {@code root} of {@code src} to {@code dst} (its tag, else by digest): blobs, then manifests leaves first. */
    public static Report push(Layout src, Descriptor root, RegistryClient client, RegistryRef dst, Options options,
                              LongConsumer progress) throws IOException {
        Closure closure = Closure.of(src, root, options.referrers(), options.platforms());
        String repository = dst.repository();
        Set<Digest> referrerDigests = new HashSet<>();
        closure.referrers().forEach(r -> referrerDigests.add(r.digest()));
        List<Descriptor> blobs = new ArrayList<>();
        Map<Digest, Descriptor> manifests = new LinkedHashMap<>();
        for (Descriptor d : closure.blobs()) {
            if (MediaType.isManifestLike(d.mediaType())) {
                manifests.put(d.digest(), d);
            } else {
                blobs.add(d);
            }
        }
        // each manifest read once: for its children here, its place in the order, and its upload
        Map<Digest, byte[]> stored = new HashMap<>();
        Map<Digest, Manifest> parsed = new HashMap<>();
        for (Descriptor d : manifests.values()) {
            byte[] b = src.readManifestBytes(d);
            stored.put(d.digest(), b);
            parsed.put(d.digest(), ModelJson.parseManifest(b, d.mediaType(), "manifest " + d.digest()));
        }
        // blobs a layout holds only as embedded data: a registry still needs them as blobs
        Map<Digest, byte[]> inline = new LinkedHashMap<>();
        for (Descriptor d : manifests.values()) {
            for (Descriptor c : parsed.get(d.digest()).children()) {
                if (c.data() != null && c.urls().isEmpty() && !MediaType.isManifestLike(c.mediaType()) && !src.blobs().exists(c.digest())) {
                    inline.put(c.digest(), c.decodedData());
                    blobs.add(Descriptor.of(c.mediaType(), c.digest(), c.size()));
                }
            }
        }
        AtomicInteger skipped = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        Parallel.map(blobs, options.parallel(), d -> {
            if (client.hasBlob(repository, d.digest())) {
                skipped.incrementAndGet();
            } else if (options.mountFrom() != null && client.mountBlob(repository, d.digest(), options.mountFrom())) {
                skipped.incrementAndGet();
            } else {
                client.putBlob(repository, d, () -> {
                    try {
                        byte[] data = inline.get(d.digest());
                        return data != null ? new java.io.ByteArrayInputStream(data) : src.blobs().open(d.digest());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                bytes.addAndGet(d.size());
                if (progress != null) {
                    progress.accept(d.size());
                }
            }
            return null;
        });
        // manifests: children before parents, referrers after what they refer to
        List<Descriptor> order = new ArrayList<>();
        Set<Digest> placed = new LinkedHashSet<>();
        for (Descriptor d : manifests.values()) {
            if (!referrerDigests.contains(d.digest())) {
                place(d, parsed, manifests, placed, order);
            }
        }
        for (Descriptor d : manifests.values()) {
            place(d, parsed, manifests, placed, order);
        }
        Map<Digest, Boolean> indexedByRegistry = new LinkedHashMap<>();
        for (Descriptor d : order) {
            if (d.digest().equals(closure.top().digest()) && !closure.filtered()) {
                continue; // pushed last, under its tag
            }
            indexedByRegistry.put(d.digest(), client.putManifest(repository, d.digest().toString(), stored.get(d.digest()),
                    d.mediaType()).isPresent());
        }
        byte[] topBytes = closure.filtered() ? closure.topBytes() : stored.containsKey(closure.top().digest())
                ? stored.get(closure.top().digest()) : src.readManifestBytes(closure.top());
        client.putManifest(repository, dst.tag() != null ? dst.tag() : closure.top().digest().toString(), topBytes,
                closure.top().mediaType());
        // a registry without the referrers API: keep the fallback tag of each subject up to date
        for (Map.Entry<Digest, List<Descriptor>> e : closure.referrersOf().entrySet()) {
            List<Descriptor> unindexed = e.getValue().stream()
                    .filter(r -> !indexedByRegistry.getOrDefault(r.digest(), false)).toList();
            if (!unindexed.isEmpty()) {
                updateFallbackTag(client, repository, e.getKey(), unindexed);
            }
        }
        return new Report(closure.top(), closure.blobs().size(), skipped.get(), bytes.get(), referrerDigests.size());
    }

    private static void place(Descriptor d, Map<Digest, Manifest> parsed, Map<Digest, Descriptor> manifests,
                              Set<Digest> placed, List<Descriptor> order) {
        if (!placed.add(d.digest())) {
            return;
        }
        for (Descriptor c : parsed.get(d.digest()).children()) {
            Descriptor known = manifests.get(c.digest());
            if (known != null) {
                place(known, parsed, manifests, placed, order);
            }
        }
        order.add(d);
    }

    /** Adds referrers to the index under the subject's fallback tag (distribution-spec, "pushing manifests with subject"). */
    static void updateFallbackTag(RegistryClient client, String repository, Digest subject, List<Descriptor> referrers)
            throws IOException {
        ImageIndex current;
        try {
            current = client.fallbackIndex(repository, subject).orElse(null);
        } catch (InvalidContentException e) {
            // fail closed: rewriting it would drop every referrer it lists
            throw new InvalidContentException("the fallback tag " + ReferrerKeys.fallbackTag(subject) + " of " + subject
                    + " in " + client.registry() + "/" + repository + " cannot be read, so it is not rewritten: "
                    + e.getMessage(), e);
        }
        List<Descriptor> entries = new ArrayList<>(current == null ? List.of() : current.manifests());
        Set<Digest> have = new HashSet<>();
        entries.forEach(d -> have.add(d.digest()));
        boolean changed = false;
        for (Descriptor r : referrers) {
            if (have.add(r.digest())) {
                entries.add(r);
                changed = true;
            }
        }
        if (!changed && current != null) {
            return;
        }
        ImageIndex next = new ImageIndex(2, MediaType.OCI_INDEX, null, entries, null, null, null);
        client.putManifest(repository, ReferrerKeys.fallbackTag(subject), ModelJson.toBytes(next, false), MediaType.OCI_INDEX);
    }
}
