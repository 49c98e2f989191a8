package dev.ocilayout.fsck;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding.Severity;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.io.ProgressListener;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RefName;
import dev.ocilayout.store.BlobStore.BlobFile;
import dev.ocilayout.store.LayoutFiles;
import dev.ocilayout.store.LayoutLock;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Checks a layout: walks from {@code index.json}, hashes every blob (in parallel across cores), and
 * reports missing, corrupt and unparsable content, spec violations, tags outside the ref.name grammar,
 * orphans, temp leftovers and files the image-spec does not define. It changes nothing.
 */
public final class Fsck {
    /** What {@link #check} found, and how much it looked at. */
    public record Report(List<Finding> findings, int manifests, int blobsVerified, long bytesVerified, int orphans) {
        public long count(Severity s) {
            return findings.stream().filter(f -> f.severity() == s).count();
        }

        /** No errors (warnings and info allowed). */
        public boolean clean() {
            return count(Severity.ERROR) == 0;
        }
    }

    private static final Set<String> SPEC_ENTRIES = Set.of(LayoutFiles.OCI_LAYOUT, LayoutFiles.INDEX_JSON,
            LayoutFiles.BLOBS);
    private static final Set<String> OWN_ENTRIES = Set.of(LayoutFiles.INGEST, LayoutLock.FILE_NAME);

    private final Layout layout;
    private final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());

    private Fsck(Layout layout) {
        this.layout = layout;
    }

    /**
     * Checks the layout.
     *
     * @param threads  hashing threads (at least 1)
     * @param progress told the bytes of every blob to hash once they are listed, then the bytes hashed as it
     *                 goes; may be null
     */
    public static Report check(Layout layout, int threads, LongConsumer progress) throws IOException {
        return new Fsck(layout).run(Math.max(1, threads), ProgressListener.of(progress));
    }

    private Report run(int threads, ProgressListener progress) throws IOException {
        ImageIndex index = layout.index().read();
        checkTags(index);
        Graph graph = GraphWalker.walk(layout, index.manifests());
        for (Graph.Problem p : graph.problems()) {
            add(Severity.ERROR, p.code().name(), p.digest(), null, p.message(), p.path());
        }
        int manifests = 0;
        for (Graph.Node n : graph.nodes().values()) {
            if (n.isManifestLike()) {
                manifests++;
            }
            if (n.presence() == Graph.Presence.FOREIGN) {
                add(Severity.INFO, "FOREIGN_LAYER", n.digest(), null, "foreign layer " + n.digest()
                        + " is not stored locally (it has urls, which are never fetched)", null);
            }
            if (n.manifest() instanceof ImageManifest m && m.config() == null
                    && !MediaType.ORAS_ARTIFACT_MANIFEST.equals(n.descriptor().mediaType())) {
                add(Severity.ERROR, "MANIFEST_NO_CONFIG", n.digest(), null, "manifest " + n.digest()
                        + " has no config, which the image-spec requires; an artifact without config should use"
                        + " the empty descriptor (application/vnd.oci.empty.v1+json)", null);
            }
            checkInlineData(n.descriptor());
        }
        List<BlobFile> files = layout.blobs().scan();
        long total = 0;
        for (BlobFile f : files) {
            total += f.isBlob() ? f.attributes().size() : 0;
        }
        progress.planned(total);
        long[] verified = verify(files, graph, threads, progress);
        int orphans = 0;
        for (BlobFile f : files) {
            if (f.isBlob() && !graph.reachable().contains(f.digest())) {
                orphans++;
                add(Severity.INFO, "ORPHAN", f.digest(), relative(f.path()), "blob " + f.digest()
                        + " is not reachable from index.json (legal; gc removes it)", null);
            }
        }
        checkStrays(files);
        checkRoot();
        checkIngest();
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::code)
                .thenComparing(f -> f.digest() == null ? "" : f.digest().toString()));
        return new Report(List.copyOf(sorted), manifests, (int) verified[0], verified[1], orphans);
    }

    private void checkTags(ImageIndex index) {
        Map<String, Digest> seen = new HashMap<>();
        for (Descriptor d : index.manifests()) {
            String name = d.refName();
            if (name == null) {
                continue;
            }
            if (!RefName.isValid(name)) {
                add(Severity.WARNING, "TAG_GRAMMAR", d.digest(), "index.json", "tag " + Text.quote(name)
                        + " does not follow the org.opencontainers.image.ref.name grammar", null);
            }
            Digest before = seen.put(name, d.digest());
            if (before != null && !before.equals(d.digest())) {
                add(Severity.ERROR, "TAG_AMBIGUOUS", d.digest(), "index.json", "tag " + Text.quote(name)
                        + " names both " + before + " and " + d.digest(), null);
            }
        }
    }

    private void checkInlineData(Descriptor d) {
        if (d.data() == null) {
            return;
        }
        byte[] data = d.decodedData();
        if (data.length != d.size() || d.digest().knownAlgorithm().isPresent()
                && !Digest.of(d.digest().knownAlgorithm().get(),
                        d.digest().knownAlgorithm().get().newMessageDigest().digest(data)).equals(d.digest())) {
            add(Severity.ERROR, "DATA_MISMATCH", d.digest(), null,
                    "embedded data of " + d.digest() + " does not match its digest and size", null);
        }
    }

    /** Hashes every blob file whose name is a digest; returns {count, bytes}. */
    private long[] verify(List<BlobFile> files, Graph graph, int threads, LongConsumer progress) throws IOException {
        List<BlobFile> todo = new ArrayList<>();
        for (BlobFile f : files) {
            if (!f.isBlob()) {
                continue;
            }
            if (f.digest().knownAlgorithm().isEmpty()) {
                add(Severity.WARNING, "UNVERIFIABLE", f.digest(), relative(f.path()),
                        "cannot verify " + f.digest() + ": algorithm " + f.digest().algorithm() + " is not supported", null);
                continue;
            }
            todo.add(f);
        }
        // Largest first, so the threads finish together.
        todo.sort(Comparator.comparingLong((BlobFile f) -> f.attributes().size()).reversed());
        List<Descriptor> actual = Parallel.map(todo, threads, f -> {
            Descriptor hashed = layout.blobs().hash(f.digest());
            if (progress != null) {
                synchronized (this) {
                    progress.accept(hashed.size());
                }
            }
            return hashed;
        });
        long bytes = 0;
        for (int i = 0; i < todo.size(); i++) {
            BlobFile f = todo.get(i);
            bytes += actual.get(i).size();
            if (!actual.get(i).digest().equals(f.digest())) {
                Graph.Node n = graph.node(f.digest());
                add(Severity.ERROR, "DIGEST_MISMATCH", f.digest(), relative(f.path()), "blob " + f.digest()
                        + " is corrupt: its content hashes to " + actual.get(i).digest()
                        + (n != null ? " (" + n.descriptor().mediaType() + ")" : " (unreferenced)"), null);
            }
        }
        return new long[] {todo.size(), bytes};
    }

    private void checkStrays(List<BlobFile> files) {
        for (BlobFile f : files) {
            if (f.isBlob()) {
                continue;
            }
            String what = f.attributes().isSymbolicLink() ? "a symbolic link" : f.attributes().isDirectory()
                    ? "a directory" : f.attributes().isRegularFile() ? "a file" : "a special file";
            if (f.digest() != null) {
                add(Severity.ERROR, "NOT_A_REGULAR_FILE", f.digest(), relative(f.path()),
                        relative(f.path()) + " is " + what + ", not a blob file", null);
            } else {
                add(Severity.WARNING, "STRAY_IN_BLOBS", null, relative(f.path()), relative(f.path()) + " is " + what
                        + " whose name is not a digest (a leftover of another tool?)", null);
            }
        }
    }

    private void checkRoot() throws IOException {
        try (DirectoryStream<Path> entries = layout.options().fs().list(layout.root())) {
            List<String> names = new ArrayList<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            Collections.sort(names);
            for (String name : names) {
                if (!SPEC_ENTRIES.contains(name) && !OWN_ENTRIES.contains(name)) {
                    add(Severity.INFO, "NON_SPEC_FILE", null, name,
                            name + " is not part of the image-spec layout (allowed, left alone)", null);
                }
            }
        }
    }

    private void checkIngest() throws IOException {
        Path ingest = layout.files().ingest();
        List<Path> ownStale = layout.blobs().staleTemps(java.time.Duration.ZERO);
        try (DirectoryStream<Path> entries = layout.options().fs().list(ingest)) {
            List<Path> all = new ArrayList<>();
            entries.forEach(all::add);
            Collections.sort(all);
            for (Path p : all) {
                String name = p.getFileName().toString();
                if (ownStale.contains(p)) {
                    add(Severity.WARNING, "TEMP_LEFTOVER", null, relative(p),
                            relative(p) + " is a temp file left by an interrupted write (gc removes it)", null);
                } else if (!LayoutFiles.isOwnTemp(name)) {
                    add(Severity.INFO, "FOREIGN_TEMP", null, relative(p),
                            relative(p) + " belongs to another tool (left alone)", null);
                }
            }
        } catch (NoSuchFileException e) {
            // no ingest directory: nothing to report
        }
    }

    private void add(Severity s, String code, Digest d, String file, String message, List<Digest> via) {
        findings.add(new Finding(s, code, d, file, message, via));
    }

    private String relative(Path p) {
        return layout.root().relativize(p).toString();
    }
}
