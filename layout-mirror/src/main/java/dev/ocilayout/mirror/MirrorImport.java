package dev.ocilayout.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveLimits;
import dev.ocilayout.archive.ArchiveTarget;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.content.Overlay;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.sign.Signing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Brings an export made by {@link MirrorExport} into a store inside: nothing changes until every part is
 * verified against {@code toc.json} (present, of its size and digest, none missing, none extra: a part that
 * was altered, swapped with another or left behind is named) and the store is known to hold everything the
 * delta builds on; then the parts are imported in order, full names kept, a moved tag moved.
 */
public final class MirrorImport {
    /** @param images every image name the parts recorded */
    public record Report(int parts, List<String> images, int blobsWritten, long bytesWritten) {
    }

    private record Listed(int index, String file, Digest digest, long size) {
    }

    private MirrorImport() {
    }

    public static Report run(Path dir, Layout store) throws IOException {
        return run(dir, store, List.of());
    }

    /**
     * @param required when not empty, every image a part tags must have a valid signature by one of these keys,
     *                 found in the parts or the store (a signature made before the last export counts), checked
     *                 before anything is imported
     */
    public static Report run(Path dir, Layout store, List<PublicKey> required) throws IOException {
        Path tocFile = dir.resolve("toc.json");
        if (!Files.isRegularFile(tocFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotFoundException(tocFile + " does not exist: " + dir + " is not a mirror export");
        }
        JsonNode toc = ModelJson.readTree(Files.readAllBytes(tocFile), tocFile.toString());
        if (!MirrorExport.FORMAT.equals(toc.path("format").asText())) {
            throw new InvalidContentException(tocFile + ": format " + toc.path("format") + " is not " + MirrorExport.FORMAT);
        }
        List<Listed> parts = new ArrayList<>();
        Set<String> listedFiles = new HashSet<>();
        int expectedIndex = 1;
        for (JsonNode p : toc.path("parts")) {
            String file = p.path("file").asText();
            Digest digest = Digest.tryParse(p.path("digest").asText());
            if (p.path("index").asInt() != expectedIndex || digest == null || !file.matches("part-\\d{4}\\.tar(\\.gz|\\.zst)?")) {
                throw new InvalidContentException(tocFile + ": part " + expectedIndex + " is listed wrongly (" + p + ")");
            }
            parts.add(new Listed(expectedIndex++, file, digest, p.path("size").asLong()));
            listedFiles.add(file);
        }
        // every part there, none extra, each exactly as listed: before anything is written
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "part-*")) {
            for (Path f : files) {
                if (!listedFiles.contains(f.getFileName().toString())) {
                    throw new InvalidContentException(f + " is not a part toc.json lists: the export was mixed with another");
                }
            }
        }
        for (Listed p : parts) {
            Path file = dir.resolve(p.file());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("part " + p.index() + " of " + parts.size() + " (" + file + ") is missing");
            }
            long size = Files.size(file);
            Digest actual = sha256(file);
            if (size != p.size() || !actual.equals(p.digest())) {
                throw new DigestMismatchException("part " + p.index() + " (" + file + ", altered or swapped with another;"
                        + " nothing was imported)", p.digest(), actual);
            }
        }
        List<String> lacking = new ArrayList<>();
        for (JsonNode e : toc.path("expects")) {
            Digest d = Digest.tryParse(e.path("digest").asText());
            if (d == null || !store.blobs().touchIfIntact(d, e.path("size").asLong())) {
                lacking.add(e.path("digest").asText());
            }
        }
        if (!lacking.isEmpty()) {
            throw new NotFoundException(store.root() + " lacks " + lacking.size() + " blob" + (lacking.size() == 1 ? "" : "s")
                    + " this delta builds on (" + String.join(", ", lacking.subList(0, Math.min(3, lacking.size())))
                    + (lacking.size() > 3 ? ", ..." : "") + "): import the exports before it first; nothing was changed");
        }
        if (!required.isEmpty()) {
            requireSigned(dir, parts, store, required);
        }
        Set<String> images = new java.util.LinkedHashSet<>(); // a part may name again what an earlier one did
        int blobs = 0;
        long bytes = 0;
        LayoutImport.Options options = new LayoutImport.Options(List.of(), LayoutImport.OnConflict.OVERWRITE, null,
                ArchiveLimits.defaults());
        for (Listed p : parts) {
            Path file = dir.resolve(p.file());
            try (InputStream in = Files.newInputStream(file)) {
                LayoutImport.Report r = LayoutImport.importArchive(store, in, file.toString(), options, null);
                r.images().forEach(i -> images.add(i.tag() != null ? i.tag() : i.descriptor().digest().toString()));
                blobs += r.blobsWritten();
                bytes += r.bytesWritten();
            }
        }
        return new Report(parts.size(), List.copyOf(images), blobs, bytes);
    }

    /** Every image the parts tag, against the parts (the last first) over the store, each within its repository. */
    private static void requireSigned(Path dir, List<Listed> parts, Layout store, List<PublicKey> keys) throws IOException {
        List<ArchiveTarget> opened = new ArrayList<>();
        for (Listed p : parts) {
            opened.add(ArchiveTarget.open(dir.resolve(p.file()), store.options()));
        }
        for (ArchiveTarget part : opened) {
            for (Descriptor d : part.index().manifests()) {
                String name = d.refName();
                if (!Signing.needsSignature(name, d)) {
                    continue;
                }
                RepositoryScope scope = RepositoryScope.ofRefName(name);
                List<ReadOnlyTarget> layers = new ArrayList<>();
                for (int i = opened.size() - 1; i >= 0; i--) {
                    layers.add(new InRepository(opened.get(i), scope));
                }
                layers.add(new LayoutTarget(store, null, scope));
                Signing.requireSigned(new Overlay(layers), d, name, keys);
            }
        }
    }

    /** An archive read as one of the repositories its full names hold: tags are its tags alone. */
    private record InRepository(ArchiveTarget archive, RepositoryScope scope) implements ReadOnlyTarget {
        @Override
        public Descriptor resolve(String reference) throws IOException {
            return archive.resolve(Digest.ofReference(reference) != null ? reference : scope.refName(reference));
        }

        @Override
        public RawManifest fetchManifest(Descriptor manifest) throws IOException {
            return archive.fetchManifest(manifest);
        }

        @Override
        public InputStream fetch(Descriptor blob) throws IOException {
            return archive.fetch(blob);
        }

        @Override
        public boolean exists(Descriptor blob) {
            return archive.exists(blob);
        }

        @Override
        public List<String> tags() {
            return scope.tags(archive.index()).stream().map(RepositoryScope.Tagged::tag).toList();
        }

        @Override
        public List<Descriptor> referrers(Digest subject, String artifactType) {
            return archive.referrers(subject, artifactType);
        }
    }

    private static Digest sha256(Path file) throws IOException {
        MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Digest.of(DigestAlgorithm.SHA256, md.digest());
    }
}
