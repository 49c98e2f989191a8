package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.fsck.Repair;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.ResponseIndexStrategy;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reachability faults (issue: fail closed everywhere). For every command that deletes or rewrites, for every
 * object reachable in a set of fixture layouts, that object is made unreadable in every way, and the command
 * is run: no blob the layout's graph reaches is removed and no tag is lost, whatever the command answers.
 * gc and {@code fsck --repair} must moreover refuse outright when the broken object is a manifest or index.
 * Real file system: FIFOs, links and directories in {@code blobs/} are real; an unreadable mode is played by
 * an {@link Fs} that refuses to open the one file (the tests run as root, for whom modes do not apply; the
 * CLI's PermissionsTest covers real modes).
 */
class ReachabilityFaultsTest {
    @TempDir
    Path tmp;

    enum Fault {
        MISSING, WRONG_SIZE, OVER_SIZE_CAP, FIFO, SYMLINK, DIRECTORY, UNREADABLE_MODE, CORRUPT, INVALID_JSON,
        WRONG_MEDIA_TYPE, NOT_UTF8;

        /** Faults that only make sense for documents (a layer has no JSON to break, no size cap). */
        boolean documentsOnly() {
            return EnumSet.of(WRONG_SIZE, OVER_SIZE_CAP, INVALID_JSON, WRONG_MEDIA_TYPE, NOT_UTF8).contains(this);
        }
    }

    enum Command { GC, GC_DROP_UNTAGGED, FSCK_REPAIR, UNTAG, SERVE_DELETE, DETACH, REFERRERS_CONVERT, IMPORT_OVERWRITE }

    /** A fixture: how to build it, and the referrer detach removes. */
    interface Fixture {
        Digest build(LayoutBuilder b) throws IOException;
    }

    static final Map<String, Fixture> FIXTURES = new LinkedHashMap<>();

    static {
        FIXTURES.put("image-with-subject-annotation-referrer", b -> {
            Descriptor v1 = b.image("v1", "layer-a", "layer-b");
            b.tag("v1", v1);
            b.tag("other", b.image("other", "layer-a", "layer-c"));
            return record(b, v1, b.referrer(v1, "application/spdx+json", "sbom"), new SubjectAnnotationStrategy());
        });
        FIXTURES.put("multi-arch-index-with-fallback-tag-referrer", b -> {
            Descriptor amd = b.image("amd64", "amd-layer");
            Descriptor arm = b.image("arm64", "arm-layer");
            Descriptor v1 = b.index(amd, arm);
            b.tag("v1", v1);
            b.untagged(b.image("untagged", "kept-layer"));
            return record(b, v1, b.referrer(v1, "application/vnd.example.sig", "signature"), new FallbackTagStrategy());
        });
        FIXTURES.put("nested-indexes-with-response-index-referrer", b -> {
            Descriptor inner = b.index(b.image("deep", "deep-layer"));
            Descriptor v1 = b.index(inner);
            b.tag("v1", v1);
            return record(b, v1, b.referrer(v1, "application/vnd.example.att", "attestation"),
                    new ResponseIndexStrategy(false));
        });
        FIXTURES.put("blob-only-referrer", b -> {
            Descriptor v1 = b.image("v1", "cosign-layer");
            b.tag("v1", v1);
            b.referrer(v1, "application/vnd.dev.cosign.artifact.sig.v1+json", "cosign-save"); // only in blobs/
            return null;
        });
    }

    static Digest record(LayoutBuilder b, Descriptor subject, Descriptor referrer, ReferrerStrategy strategy)
            throws IOException {
        Layout l = b.layout();
        Descriptor response = ReferrerIndex.responseDescriptor(referrer, l.readManifest(referrer));
        l.index().update(i -> strategy.add(l, i, subject.digest(), response));
        return referrer.digest();
    }

    /**
     * One reachable object of a fixture, the first parent that lists it (null: index.json), and whether only
     * untagged entries that are no referrers reach it (what {@code gc --drop-untagged} is asked to remove).
     */
    record Target(Digest digest, boolean document, Digest parent, boolean untaggedOnly, boolean blobOnly) {
    }

    @Test
    void noCommandRemovesAReachableBlobOrLosesATagWhateverItCannotRead() throws Exception {
        byte[] otherArchive = otherImageArchive();
        int cases = 0;
        int refusals = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Fixture> fixture : FIXTURES.entrySet()) {
            Path base = tmp.resolve(fixture.getKey());
            Layout built = Layout.create(base);
            Digest referrer = fixture.getValue().build(new LayoutBuilder(built));
            ageAll(base);
            List<Target> targets = targets(built);
            for (Target target : targets) {
                for (Fault fault : Fault.values()) {
                    if (fault.documentsOnly() && !target.document()) {
                        continue;
                    }
                    for (Command command : Command.values()) {
                        if (command == Command.DETACH && referrer == null) {
                            continue;
                        }
                        String name = fixture.getKey() + " / " + target.digest().encoded().substring(0, 12)
                                + (target.document() ? " (document)" : "") + " / " + fault + " / " + command;
                        Path dir = tmp.resolve("case-" + cases++);
                        copy(base, dir);
                        try {
                            if (runCase(dir, targets, target, fault, command, referrer, otherArchive)) {
                                refusals++;
                            }
                        } catch (AssertionError e) {
                            failures.add(name + ": " + e.getMessage());
                        }
                        delete(dir);
                    }
                }
            }
        }
        System.out.println("reachability faults: " + cases + " cases (" + FIXTURES.size() + " fixtures x reachable objects"
                + " x " + Fault.values().length + " faults x " + Command.values().length + " commands), " + refusals
                + " refused, " + failures.size() + " broke the rule");
        if (!failures.isEmpty()) {
            fail(failures.size() + " cases broke the rule, first: " + String.join("\n", failures.subList(0,
                    Math.min(10, failures.size()))));
        }
    }

    /** Runs one case; returns whether the command refused. */
    boolean runCase(Path dir, List<Target> all, Target target, Fault fault, Command command, Digest referrer,
                    byte[] otherArchive) throws Exception {
        Layout plain = Layout.open(dir);
        Set<Digest> mustKeep = new HashSet<>();
        all.stream().filter(t -> !(t.untaggedOnly() && command == Command.GC_DROP_UNTAGGED))
                .forEach(t -> mustKeep.add(t.digest()));
        Map<Digest, Digest> parents = new HashMap<>();
        all.forEach(t -> parents.put(t.digest(), t.parent()));
        if (target.blobOnly() && fault == Fault.MISSING) {
            // nothing records a referrer only in blobs/: once it is gone, what it listed is garbage like any other
            Set<Digest> elsewhere = new HashSet<>();
            all.stream().filter(t -> !target.digest().equals(t.parent())).forEach(t -> elsewhere.add(t.digest()));
            all.stream().filter(t -> target.digest().equals(t.parent()) && !elsewhere.contains(t.digest()))
                    .forEach(t -> mustKeep.remove(t.digest()));
        }
        LayoutOptions options = inject(plain, dir, target, fault, parents, mustKeep);
        Layout layout = Layout.open(dir, options);
        Map<String, Digest> tagsBefore = tags(layout);
        Map<Digest, String> present = present(dir, mustKeep);
        boolean refused = false;
        IOException error = null;
        try {
            run(layout, command, referrer, otherArchive);
        } catch (IOException e) {
            refused = true;
            error = e;
        }
        // 1. nothing the graph reaches was removed or changed, but the manifest detach was told to let go of
        Map<Digest, String> after = present(dir, mustKeep);
        for (Map.Entry<Digest, String> e : present.entrySet()) {
            if (command == Command.DETACH && !refused && e.getKey().equals(referrer)) {
                continue; // spec-notes/gc.md: a detached referrer's manifest goes (it was the one asked for)
            }
            assertEquals(e.getValue(), after.get(e.getKey()), "reachable blob " + e.getKey() + " removed or changed"
                    + (error != null ? " (command said: " + error.getMessage() + ")" : ""));
        }
        // 2. no tag was lost: every tag still names what it named, but the one the command was told to change
        Map<String, Digest> tagsAfter = tags(Layout.open(dir, options));
        for (Map.Entry<String, Digest> t : tagsBefore.entrySet()) {
            boolean asked = t.getKey().equals("v1") && EnumSet.of(Command.UNTAG, Command.SERVE_DELETE,
                    Command.IMPORT_OVERWRITE).contains(command) && !refused;
            boolean bookkeeping = ReferrerIndex.isFallbackEntry(Descriptor.of(MediaType.OCI_INDEX, t.getValue(), 2)
                    .withAnnotation("org.opencontainers.image.ref.name", t.getKey()))
                    && EnumSet.of(Command.DETACH, Command.REFERRERS_CONVERT).contains(command);
            if (!asked && !bookkeeping) {
                assertEquals(t.getValue(), tagsAfter.get(t.getKey()), "tag " + t.getKey() + " lost or moved");
            }
        }
        // 3. gc and repair refuse outright when a document they must read is broken
        if (target.document() && EnumSet.of(Command.GC, Command.GC_DROP_UNTAGGED, Command.FSCK_REPAIR).contains(command)) {
            assertTrue(refused, command + " went on past an unreadable document");
            assertTrue(error instanceof UnreadableContentException || error instanceof AccessDeniedException,
                    "refused in our words: " + error);
        }
        if (error != null) {
            assertTrue(error.getMessage() != null && error.getMessage().indexOf('\n') < 0, "one line: " + error);
        }
        return refused;
    }

    static void run(Layout layout, Command command, Digest referrer, byte[] otherArchive) throws IOException {
        switch (command) {
            case GC -> GarbageCollector.run(layout, new GarbageCollector.Policy(false, Duration.ZERO, false));
            case GC_DROP_UNTAGGED -> GarbageCollector.run(layout, new GarbageCollector.Policy(true, Duration.ZERO, false));
            case FSCK_REPAIR -> Repair.run(layout);
            case UNTAG -> Untagging.untag(layout, List.of("v1"), false);
            case SERVE_DELETE -> Untagging.removeDigest(layout, layout.resolveTag("v1").digest(), false);
            case DETACH -> Referrers.detach(layout, referrer);
            case REFERRERS_CONVERT -> Referrers.convert(layout, new SubjectAnnotationStrategy(), false, true);
            case IMPORT_OVERWRITE -> LayoutImport.importArchive(layout, new ByteArrayInputStream(otherArchive), "other.tar",
                    new LayoutImport.Options(List.of("v1"), LayoutImport.OnConflict.OVERWRITE, null,
                            dev.ocilayout.archive.ArchiveLimits.defaults()), null);
        }
    }

    // ------------------------------------------------------------------ faults

    /** Breaks the target; returns the options to open the layout with. Updates what must be kept. */
    LayoutOptions inject(Layout layout, Path dir, Target target, Fault fault, Map<Digest, Digest> parents,
                         Set<Digest> mustKeep) throws Exception {
        Path blob = layout.files().blob(target.digest());
        LayoutOptions options = LayoutOptions.defaults();
        switch (fault) {
            case MISSING -> Files.delete(blob);
            case FIFO -> {
                Files.delete(blob);
                Process p = new ProcessBuilder("mkfifo", blob.toString()).inheritIO().start();
                assertEquals(0, p.waitFor());
            }
            case SYMLINK -> {
                Files.delete(blob);
                Files.createSymbolicLink(blob, Path.of("/dev/zero"));
            }
            case DIRECTORY -> {
                Files.delete(blob);
                Files.createDirectory(blob);
            }
            case UNREADABLE_MODE -> options = options.withFs(new RefusingFs(blob));
            case CORRUPT -> {
                byte[] bytes = Files.readAllBytes(blob);
                bytes[bytes.length - 1] ^= 0x01; // a manifest still reads like one: only its digest is wrong
                Files.write(blob, bytes);
            }
            case OVER_SIZE_CAP -> options = options.withMaxManifestBytes((int) Files.size(blob) - 1);
            case WRONG_SIZE -> repoint(layout, target.digest(), target.digest(), 10_737_418_240L, parents, mustKeep);
            case INVALID_JSON, WRONG_MEDIA_TYPE, NOT_UTF8 -> {
                byte[] bytes = Files.readAllBytes(blob);
                byte[] broken = switch (fault) {
                    case INVALID_JSON -> java.util.Arrays.copyOf(bytes, bytes.length - 1);
                    case NOT_UTF8 -> new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
                    default -> withMediaType(bytes);
                };
                Descriptor d = layout.blobs().put(broken, MediaType.OCTET_STREAM);
                mustKeep.remove(target.digest()); // its one parent now lists the broken copy instead
                mustKeep.add(d.digest());
                repoint(layout, target.digest(), d.digest(), d.size(), parents, mustKeep);
            }
        }
        return options;
    }

    /** A manifest that says it is an index, or an index that says it is a manifest. */
    static byte[] withMediaType(byte[] bytes) throws IOException {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree(bytes);
        o.put("mediaType", o.has("manifests") ? MediaType.OCI_MANIFEST : MediaType.OCI_INDEX);
        return new ObjectMapper().writeValueAsBytes(o);
    }

    /**
     * Makes {@code from}'s parent list {@code to} with {@code size} instead, and each ancestor its rewritten
     * child, up to {@code index.json}: the fault then sits at a correct digest, as it would in a layout
     * written wrongly rather than damaged later.
     */
    static void repoint(Layout layout, Digest from, Digest to, long size, Map<Digest, Digest> parents,
                        Set<Digest> mustKeep) throws IOException {
        Digest parent = parents.get(from);
        ObjectMapper json = new ObjectMapper();
        if (parent == null) {
            Path index = layout.files().indexJson();
            JsonNode root = json.readTree(Files.readAllBytes(index));
            replace(root, from, to, size);
            Files.write(index, json.writeValueAsBytes(root));
            return;
        }
        JsonNode root = json.readTree(layout.blobs().read(Descriptor.of(MediaType.OCTET_STREAM, parent,
                layout.blobs().size(parent)), Integer.MAX_VALUE));
        replace(root, from, to, size);
        Descriptor rewritten = layout.blobs().put(json.writeValueAsBytes(root), MediaType.OCTET_STREAM);
        mustKeep.remove(parent);
        mustKeep.add(rewritten.digest());
        repoint(layout, parent, rewritten.digest(), rewritten.size(), parents, mustKeep);
    }

    /** Every descriptor in the document (manifests, config, layers, subject) naming {@code from}. */
    static void replace(JsonNode node, Digest from, Digest to, long size) {
        if (node instanceof ObjectNode o && from.toString().equals(o.path("digest").asText(null))) {
            o.put("digest", to.toString());
            o.put("size", size);
        }
        node.forEach(child -> replace(child, from, to, size));
    }

    // ------------------------------------------------------------------ fixtures and snapshots

    /** Every object the intact layout's graph reaches (index.json entries, referrers included). */
    static List<Target> targets(Layout layout) throws IOException {
        Graph g = GraphWalker.walk(layout);
        Map<Digest, Digest> parent = new HashMap<>();
        for (Graph.Node n : g.nodes().values()) {
            for (Descriptor c : n.children()) {
                parent.putIfAbsent(c.digest(), n.digest());
            }
        }
        Set<Digest> roots = new HashSet<>();
        List<Descriptor> kept = new ArrayList<>();
        for (Descriptor d : layout.index().read().manifests()) {
            roots.add(d.digest());
            if (d.refName() != null || layout.readManifest(d).subject() != null) {
                kept.add(d);
            }
        }
        Set<Digest> tagged = GraphWalker.walk(layout, kept).reachable();
        List<Target> out = new ArrayList<>();
        for (Graph.Node n : g.nodes().values()) {
            out.add(new Target(n.digest(), n.isManifestLike(), roots.contains(n.digest()) ? null : parent.get(n.digest()),
                    !tagged.contains(n.digest()), false));
        }
        // a blob-only referrer (cosign save) is kept with its subject: a target too
        for (Path p : list(layout.files().algorithmDir("sha256"))) {
            Digest d = Digest.parse("sha256:" + p.getFileName());
            byte[] bytes = Files.readAllBytes(p);
            Manifest m = g.reachable().contains(d) ? null : ReferrerIndex.manifestWithSubject(d, bytes);
            if (m != null) {
                out.add(new Target(d, false, null, false, true)); // its faults: those of a blob gc finds by reading it
                for (Descriptor c : m.children()) {
                    out.add(new Target(c.digest(), false, d, false, false)); // kept with it
                }
            }
        }
        return out;
    }

    /** An archive of another image, for import --on-conflict overwrite of v1. */
    byte[] otherImageArchive() throws IOException {
        Layout src = Layout.create(tmp.resolve("other-src"));
        LayoutBuilder b = new LayoutBuilder(src);
        b.tag("v1", b.image("imported", "imported-layer"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.exportAll(src, out, new LayoutExport.Options(false, List.of(), null, null, null, Set.of()), null);
        return out.toByteArray();
    }

    static Map<String, Digest> tags(Layout layout) throws IOException {
        Map<String, Digest> m = new TreeMap<>();
        Tags.list(layout.index().read()).forEach(t -> m.put(t.name(), t.descriptor().digest()));
        return m;
    }

    /** For each digest, what is at its path: the content's hash, or the kind of entry; absent ones left out. */
    static Map<Digest, String> present(Path dir, Set<Digest> digests) throws IOException {
        Map<Digest, String> m = new HashMap<>();
        for (Digest d : digests) {
            Path p = dir.resolve("blobs").resolve(d.algorithm()).resolve(d.encoded());
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException absent) {
                continue;
            }
            m.put(d, a.isRegularFile() ? Digest.sha256(Files.readAllBytes(p)).toString()
                    : a.isSymbolicLink() ? "link" : a.isDirectory() ? "dir" : "special");
        }
        return m;
    }

    /** Older than any grace period, so gc would remove whatever it takes as unreachable. */
    static void ageAll(Path dir) throws IOException {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofDays(2).toMillis());
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The real file system, but one file cannot be opened for reading, as if its mode were 000. */
    static final class RefusingFs implements Fs {
        private final Fs nio = Fs.nio();
        private final Path refused;

        RefusingFs(Path refused) {
            this.refused = refused.toAbsolutePath();
        }

        private void check(Path p) throws AccessDeniedException {
            if (p.toAbsolutePath().equals(refused)) {
                throw new AccessDeniedException(p.toString());
            }
        }

        @Override
        public FileChannel openRead(Path file) throws IOException {
            check(file);
            return nio.openRead(file);
        }

        @Override
        public dev.ocilayout.io.WritableFile createNew(Path file) throws IOException {
            return nio.createNew(file);
        }

        @Override
        public void moveAtomic(Path from, Path to) throws IOException {
            nio.moveAtomic(from, to);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            nio.syncDirectory(dir);
        }

        @Override
        public void createDirectory(Path dir) throws IOException {
            nio.createDirectory(dir);
        }

        @Override
        public boolean deleteIfExists(Path file) throws IOException {
            return nio.deleteIfExists(file);
        }

        @Override
        public DirectoryStream<Path> list(Path dir) throws IOException {
            return nio.list(dir);
        }

        @Override
        public BasicFileAttributes attributes(Path file) throws IOException {
            return nio.attributes(file);
        }

        @Override
        public void setLastModified(Path file, FileTime time) throws IOException {
            nio.setLastModified(file, time);
        }

        @Override
        public void link(Path link, Path existing) throws IOException {
            nio.link(link, existing);
        }

        @Override
        public FileChannel openLockFile(Path file) throws IOException {
            return nio.openLockFile(file);
        }

        @Override
        public FileChannel openExistingForWrite(Path file) throws IOException {
            return nio.openExistingForWrite(file);
        }

        @Override
        public DirectoryHandle openDirectory(Path dir) throws IOException {
            DirectoryHandle h = nio.openDirectory(dir);
            return new DirectoryHandle() {
                @Override
                public List<String> names() throws IOException {
                    return h.names();
                }

                @Override
                public BasicFileAttributes attributes(String name) throws IOException {
                    return h.attributes(name);
                }

                @Override
                public SeekableByteChannel openRead(String name) throws IOException {
                    check(dir.resolve(name));
                    return h.openRead(name);
                }

                @Override
                public boolean delete(String name) throws IOException {
                    return h.delete(name);
                }

                @Override
                public void close() throws IOException {
                    h.close();
                }
            };
        }
    }
}
