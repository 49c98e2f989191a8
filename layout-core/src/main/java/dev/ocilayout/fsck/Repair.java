package dev.ocilayout.fsck;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.graph.FailClosed;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.store.BlobStore.BlobFile;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The repairs that are safe to make without asking ({@code fsck --repair}); each is reported. It never
 * deletes a blob, never rewrites an {@code index.json} that does not parse (the update fails closed), and
 * never guesses a tag, and it makes none while a manifest reachable from {@code index.json} cannot be read:
 * <ul>
 *   <li>this tool's temp files left in {@code ingest/} by interrupted writes, that no live writer holds
 *       and that are over ten seconds old, are removed;</li>
 *   <li>manifests and indexes that nothing in {@code index.json} reaches, that no other such manifest
 *       lists, and whose content is complete, are listed again as untagged entries, so gc keeps them
 *       (what a crash between storing a manifest and recording it would lose).</li>
 * </ul>
 */
public final class Repair {
    /** One repair made: what, and the digest or file it concerns. */
    public record Action(String code, Digest digest, String file, String message) {
    }

    private Repair() {
    }

    /**
     * Makes the safe repairs.
     *
     * @throws dev.ocilayout.error.UnreadableContentException before any repair, when a manifest reachable from
     *         {@code index.json} cannot be read: what it references would look orphaned
     */
    public static List<Action> run(Layout layout) throws IOException {
        Graph live = FailClosed.requireReadable(layout, layout.index().read().manifests(), "fsck --repair");
        List<Action> actions = new ArrayList<>();
        for (Path p : layout.blobs().staleTemps(Duration.ZERO)) { // at least BlobStore.MIN_TEMP_AGE old, unlocked
            if (layout.options().fs().deleteIfExists(p)) {
                String rel = layout.root().relativize(p).toString();
                actions.add(new Action("TEMP_REMOVED", null, rel, "removed " + rel + ", left by an interrupted write"));
            }
        }
        List<Descriptor> orphans = relistable(layout, live);
        if (!orphans.isEmpty()) {
            layout.index().update(index -> {
                ImageIndex next = index;
                for (Descriptor d : orphans) {
                    layout.blobs().requirePresent(List.of(d));
                    next = Tags.addUntagged(next, d);
                }
                return next;
            });
            for (Descriptor d : orphans) {
                actions.add(new Action("MANIFEST_RELISTED", d.digest(), "index.json", "listed orphaned "
                        + MediaType.shortName(d.mediaType()) + " " + d.digest() + " in index.json again, untagged"));
            }
        }
        return actions;
    }

    /** Orphaned manifests no other orphan lists, with everything they reference present. */
    private static List<Descriptor> relistable(Layout layout, Graph live) throws IOException {
        Map<Digest, Descriptor> orphans = new LinkedHashMap<>();
        Set<Digest> listed = new HashSet<>();
        for (BlobFile f : layout.blobs().scan()) {
            long size = f.attributes().size();
            if (!f.isBlob() || live.reachable().contains(f.digest()) || size < 2 || size > layout.options().maxManifestBytes()
                    || f.digest().knownAlgorithm().isEmpty()) {
                continue;
            }
            Manifest m;
            try {
                byte[] bytes = layout.blobs().read(Descriptor.of(MediaType.OCTET_STREAM, f.digest(), size),
                        layout.options().maxManifestBytes());
                if (bytes[0] != '{') {
                    continue;
                }
                m = ModelJson.parseManifest(bytes, null, "blob " + f.digest());
            } catch (InvalidContentException | dev.ocilayout.error.IntegrityException notAManifest) {
                continue;
            }
            String type = m.mediaType() != null ? m.mediaType() : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
            orphans.put(f.digest(), Descriptor.of(type, f.digest(), size));
            m.children().forEach(c -> listed.add(c.digest()));
        }
        List<Descriptor> roots = new ArrayList<>();
        for (Descriptor d : orphans.values()) {
            if (!listed.contains(d.digest()) && GraphWalker.walk(layout, List.of(d)).problems().isEmpty()) {
                roots.add(d);
            }
        }
        return roots;
    }
}
