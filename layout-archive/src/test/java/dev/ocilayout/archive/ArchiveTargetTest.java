package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TwoImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An archive read in place answers as the layout it was exported from does: tags, references, manifest
 * bytes, blobs (verified) and referrers, plain or compressed, without extracting anything.
 */
class ArchiveTargetTest {
    @TempDir
    Path tmp;
    Layout source;
    Descriptor v1;
    Descriptor sbom;

    @BeforeEach
    void setUp() throws IOException {
        TwoImages two = TwoImages.create(tmp.resolve("src"));
        source = two.layout();
        v1 = two.v1();
        LayoutBuilder b = two.builder();
        sbom = b.referrer(v1, "application/spdx+json", "{\"spdx\":true}");
        Descriptor response = dev.ocilayout.referrers.ReferrerIndex.responseDescriptor(sbom, source.readManifest(sbom));
        source.index().update(i -> new SubjectAnnotationStrategy().add(source, i, v1.digest(), response));
    }

    Path export(Compression c) throws IOException {
        Path tar = tmp.resolve("v1.tar" + c.name());
        try (OutputStream out = Files.newOutputStream(tar)) {
            LayoutExport.exportAll(source, out, new LayoutExport.Options(true, List.of(), c), null);
        }
        return tar;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void anExportedArchiveAnswersAsItsLayoutDoes(Compression c) throws IOException {
        ArchiveTarget archive = ArchiveTarget.open(export(c), LayoutOptions.defaults());
        LayoutTarget layout = new LayoutTarget(source);
        assertEquals(c, archive.compression());
        assertEquals(layout.tags(), archive.tags());
        for (String tag : layout.tags()) {
            Descriptor d = archive.resolve(tag);
            assertEquals(layout.resolve(tag).digest(), d.digest());
            assertArrayEquals(layout.fetchManifest(d).bytes(), archive.fetchManifest(d).bytes());
        }
        Graph graph = GraphWalker.walk(source, List.of(v1));
        for (Graph.Node n : graph.nodes().values()) {
            try (InputStream a = archive.fetch(n.descriptor()); InputStream l = layout.fetch(n.descriptor())) {
                assertArrayEquals(l.readAllBytes(), a.readAllBytes(), n.digest().toString());
            }
        }
        assertEquals(List.of(sbom.digest()), archive.referrers(v1.digest(), null).stream().map(Descriptor::digest).toList());
        assertEquals("application/spdx+json", archive.referrers(v1.digest(), null).get(0).artifactType());
        assertEquals(0, archive.referrers(v1.digest(), "application/other").size());
        assertEquals(v1.digest(), archive.resolve(v1.digest().toString()).digest());
    }

    @Test
    void aBlobDamagedInTheArchiveFailsItsFetchAtTheEnd() throws IOException {
        Path tar = export(Compression.NONE);
        Descriptor layer = source.readManifest(v1).children().get(1);
        byte[] bytes = Files.readAllBytes(tar);
        int at = indexOf(bytes, source.blobs().read(Descriptor.of(MediaType.OCTET_STREAM, layer.digest(), layer.size()),
                Integer.MAX_VALUE));
        assertTrue(at > 0, "the layer's bytes are in the tar");
        bytes[at] ^= 0x20;
        Files.write(tar, bytes);
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        assertThrows(IntegrityException.class, () -> {
            try (InputStream in = archive.fetch(layer)) {
                in.readAllBytes();
            }
        });
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        var latin1 = java.nio.charset.StandardCharsets.ISO_8859_1; // one char per byte: a byte search
        return new String(haystack, latin1).indexOf(new String(needle, latin1));
    }

    @Test
    void aReferrerWhoseJsonStartsWithWhitespaceIsFound() throws IOException {
        byte[] bytes = ("\n " + new String(source.readManifestBytes(sbom), java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Descriptor spaced = source.blobs().put(bytes, MediaType.OCI_MANIFEST); // only in blobs/, as cosign saves
        Path tar = Files.write(tmp.resolve("whole.tar"), LayoutImportTest.tarOf(source, true)); // every blob
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        assertTrue(archive.referrers(v1.digest(), null).stream().anyMatch(r -> r.digest().equals(spaced.digest())),
                archive.referrers(v1.digest(), null).toString());
    }

    @Test
    void whatIsNotThereIsNotFound() throws IOException {
        ArchiveTarget archive = ArchiveTarget.open(export(Compression.GZIP), LayoutOptions.defaults());
        Descriptor absent = Descriptor.of(MediaType.OCI_LAYER, Digest.sha256(new byte[] {1}), 1);
        assertFalse(archive.exists(absent));
        assertThrows(NotFoundException.class, () -> archive.fetch(absent));
        assertThrows(NotFoundException.class, () -> archive.resolve("nope"));
    }

    @Test
    void namesAreCheckedAsTheArchiveStatesThem() {
        Path tar = tmp.resolve("evil.tar");
        assertThrows(InvalidContentException.class, () -> {
            Files.write(tar, new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                    .raw("././@PaxHeader", (byte) 'x', TarBuilder.paxRecord("path", "/index.json"))
                    .file("x", "{\"schemaVersion\":2,\"manifests\":[]}").build());
            ArchiveTarget.open(tar, LayoutOptions.defaults());
        });
    }

    @Test
    void aPlainArchiveReadBySeekingChecksRawGnuLongNamesToo() throws IOException {
        Path absolute = Files.write(tmp.resolve("gnu-abs.tar"), new TarBuilder().gnuLongNames()
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}").file("/etc/" + "e".repeat(120), "x")
                .file("index.json", "{\"schemaVersion\":2,\"manifests\":[]}").build());
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> ArchiveTarget.open(absolute, LayoutOptions.defaults()));
        assertTrue(e.getMessage().contains("absolute path"), e.getMessage());
        Path dotdot = Files.write(tmp.resolve("gnu-dotdot.tar"), new TarBuilder().gnuLongNames()
                .file("a/".repeat(60) + "../".repeat(70) + "evil", "x")
                .file("index.json", "{\"schemaVersion\":2,\"manifests\":[]}").build());
        assertThrows(InvalidContentException.class, () -> ArchiveTarget.open(dotdot, LayoutOptions.defaults()));
    }

    @Test
    void aDockerArchiveWithNoImagesIsRefused() throws IOException {
        Path tar = Files.write(tmp.resolve("docker.tar"), new TarBuilder().file("manifest.json", "[]").build());
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ArchiveTarget.open(tar,
                LayoutOptions.defaults()));
        assertTrue(e.getMessage().contains("not a non-empty JSON array"), e.getMessage());
    }

    /** Reads the archive in place and imports it: both must give the same images, byte for byte. */
    private void readsInPlaceAsItImports(Path tar) throws IOException {
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        Layout imported = Layout.create(tmp.resolve("imported-" + tar.getFileName()));
        try (InputStream in = Files.newInputStream(tar)) {
            LayoutImport.importArchive(imported, in, tar.toString(), LayoutImport.Options.defaults(), null);
        }
        LayoutTarget expected = new LayoutTarget(imported);
        assertEquals(expected.tags(), archive.tags());
        for (String tag : expected.tags()) {
            Descriptor d = archive.resolve(tag);
            assertEquals(expected.resolve(tag).digest(), d.digest(), tag);
            assertArrayEquals(expected.fetchManifest(d).bytes(), archive.fetchManifest(d).bytes());
            Layout copied = Layout.create(tmp.resolve("copied-" + tar.getFileName() + "-" + tag));
            dev.ocilayout.copy.TargetCopy.copy(archive, tag, new LayoutTarget(copied), tag,
                    dev.ocilayout.copy.TargetCopy.Options.defaults(), null);
            assertEquals(d.digest(), copied.resolveTag(tag).digest());
            assertTrue(dev.ocilayout.fsck.Fsck.check(copied, 1, null).clean(), "the copy is whole and verified");
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aDockerArchiveIsReadInPlaceAsItIsImported(Compression c) throws IOException {
        Path tar = tmp.resolve("docker.tar" + c.name());
        Layout single = Layout.create(tmp.resolve("single"));
        LayoutBuilder b = new LayoutBuilder(single);
        b.tag("v1", b.image("amd64", "layer-1", "layer-2"));
        try (OutputStream out = Files.newOutputStream(tar)) {
            LayoutExport.exportAll(single, out, new LayoutExport.Options(false, List.of(), c, LayoutExport.Format.DOCKER,
                    "example/app", Set.of()), null);
        }
        readsInPlaceAsItImports(tar);
    }

    @Test
    void anOlderDockerSaveWithALinkedLayerIsReadInPlace() throws IOException {
        byte[] layer = new TarBuilder().file("etc/hostname", "box\n").build();
        byte[] gzLayer = TarBuilder.gzip(new TarBuilder().file("bin/sh", "#!").build());
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}";
        String manifest = "[{\"Config\":\"0123abcd.json\",\"RepoTags\":[\"busybox:latest\",\"busybox:1\"],"
                + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\",\"ccc/layer.tar\"]}]";
        Path tar = Files.write(tmp.resolve("legacy.tar"), new TarBuilder()
                .file("aaa/layer.tar", layer).file("ccc/layer.tar", gzLayer).symlink("bbb/layer.tar", "../aaa/layer.tar")
                .file("0123abcd.json", config).file("manifest.json", manifest).file("repositories", "{}").build());
        readsInPlaceAsItImports(tar);
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        var m = (dev.ocilayout.model.ImageManifest) archive.fetchManifest(archive.resolve("latest")).manifest();
        assertEquals(List.of(MediaType.OCI_LAYER, MediaType.OCI_LAYER, MediaType.OCI_LAYER + "+gzip"),
                m.layers().stream().map(Descriptor::mediaType).toList());
        assertEquals(m.layers().get(0).digest(), m.layers().get(1).digest(), "the link is the layer it names");
    }

    @Test
    void aDockerLayerLinkOutOfTheArchiveIsRefused() throws IOException {
        Path tar = Files.write(tmp.resolve("escape.tar"), new TarBuilder().symlink("aaa/layer.tar", "../../etc/passwd")
                .file("manifest.json", "[]").build());
        assertThrows(InvalidContentException.class, () -> ArchiveTarget.open(tar, LayoutOptions.defaults()));
    }

    @Test
    void nothingIsWrittenBesideTheArchive() throws IOException {
        Path tar = export(Compression.ZSTD);
        Set<Path> before;
        try (var s = Files.list(tmp)) {
            before = Set.copyOf(s.toList());
        }
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        archive.tags();
        try (var s = Files.list(tmp)) {
            assertEquals(before, Set.copyOf(s.toList()));
        }
    }
}
