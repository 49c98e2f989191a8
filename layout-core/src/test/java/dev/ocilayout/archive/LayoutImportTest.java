package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.InvalidContentException;
import dev.ocilayout.Layout;
import dev.ocilayout.TagConflictException;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Digest;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import dev.ocilayout.testing.TwoImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LayoutImportTest {
    Path fs;
    Layout source;
    LayoutBuilder b;
    Descriptor v1;
    Descriptor v2;

    @BeforeEach
    void setUp() throws IOException {
        fs = TestFs.unixRoot();
        TwoImages two = TwoImages.create(fs.resolve("src"));
        source = two.layout();
        b = two.builder();
        v1 = two.v1();
        v2 = two.v2();
    }

    byte[] exportAll(Compression c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.exportAll(source, out, new LayoutExport.Options(false, List.of(), c), null);
        return out.toByteArray();
    }

    LayoutImport.Report importInto(Layout dst, byte[] archive, LayoutImport.Options options) throws IOException {
        return LayoutImport.importArchive(dst, new ByteArrayInputStream(archive), "test.tar", options, null);
    }

    static Map<String, Digest> tags(Layout l) throws IOException {
        Map<String, Digest> m = new TreeMap<>();
        Tags.list(l.index().read()).forEach(t -> m.put(t.name(), t.descriptor().digest()));
        return m;
    }

    static void assertClean(Layout l) throws IOException {
        Fsck.Report f = Fsck.check(l, 2, null);
        assertEquals(0, f.count(Finding.Severity.ERROR), f.findings().toString());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void anExportedLayoutImportsWithTheSameTagsAndDigests(Compression c) throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutImport.Report r = importInto(dst, exportAll(c), LayoutImport.Options.defaults());
        assertEquals(tags(source), tags(dst));
        assertEquals("oci", r.format());
        assertEquals(c, r.compression());
        assertEquals(7, r.blobsWritten(), "two manifests, two configs, three distinct layers");
        assertClean(dst);
    }

    @Test
    void anArchiveWhoseIndexJsonPrecedesItsBlobsImports() throws IOException {
        // skopeo and tar of a layout folder put index.json and oci-layout anywhere; we write index.json last
        dev.ocilayout.testing.TarBuilder tar = new dev.ocilayout.testing.TarBuilder()
                .file("index.json", java.nio.file.Files.readAllBytes(source.root().resolve("index.json")))
                .file("oci-layout", java.nio.file.Files.readAllBytes(source.root().resolve("oci-layout")));
        for (dev.ocilayout.store.BlobStore.BlobFile f : source.blobs().scan()) {
            tar.file("blobs/sha256/" + f.digest().encoded(), java.nio.file.Files.readAllBytes(f.path()));
        }
        Layout dst = Layout.create(fs.resolve("dst"));
        importInto(dst, tar.build(), LayoutImport.Options.defaults());
        assertEquals(tags(source), tags(dst));
        assertClean(dst);
    }

    @Test
    void blobsTheLayoutHasAreSkippedUnreadWithTheirAgeRefreshed() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        importInto(dst, exportAll(Compression.NONE), LayoutImport.Options.defaults());
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200));
        Files.setLastModifiedTime(dst.blobs().path(v1.digest()), old);
        LayoutImport.Report again = importInto(dst, exportAll(Compression.NONE), LayoutImport.Options.defaults());
        assertEquals(0, again.blobsWritten());
        assertEquals(7, again.blobsPresent());
        assertTrue(Files.getLastModifiedTime(dst.blobs().path(v1.digest())).compareTo(old) > 0, "gc's grace period covers it again");
        assertEquals(tags(source), tags(dst));
    }

    @Test
    void aTagNamingOtherContentFailsTheImportListingItAndTagsNothing() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutBuilder d = new LayoutBuilder(dst);
        Descriptor other = d.image("other", "x");
        d.tag("v2", other);
        byte[] before = Files.readAllBytes(dst.root().resolve("index.json"));
        TagConflictException e = assertThrows(TagConflictException.class,
                () -> importInto(dst, exportAll(Compression.NONE), LayoutImport.Options.defaults()));
        assertEquals(List.of("v2"), e.tags());
        assertTrue(e.getMessage().contains("tag v2"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dst.root().resolve("index.json")));
    }

    @Test
    void overwriteMovesConflictingTagsAndSkipLeavesThem() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutBuilder d = new LayoutBuilder(dst);
        Descriptor other = d.image("other", "x");
        d.tag("v2", other);
        LayoutImport.Report skipped = importInto(dst, exportAll(Compression.NONE),
                new LayoutImport.Options(List.of(), LayoutImport.OnConflict.SKIP, null, null));
        assertEquals(List.of("v2"), skipped.skippedTags());
        assertEquals(Map.of("v1", v1.digest(), "v2", other.digest()), tags(dst));
        importInto(dst, exportAll(Compression.NONE),
                new LayoutImport.Options(List.of(), LayoutImport.OnConflict.OVERWRITE, null, null));
        assertEquals(tags(source), tags(dst));
    }

    @Test
    void tagOptionNamesTheArchivesOnlyImage() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(source, List.of(new LayoutExport.Root(v1, "v1")), out, LayoutExportTest.PLAIN, null);
        Layout dst = Layout.create(fs.resolve("dst"));
        importInto(dst, out.toByteArray(), new LayoutImport.Options(List.of("stable", "1.0"), null, null, null));
        assertEquals(Map.of("stable", v1.digest(), "1.0", v1.digest()), tags(dst));
    }

    @Test
    void tagOptionIsRefusedForAnArchiveOfSeveralImages() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> importInto(dst,
                exportAll(Compression.NONE), new LayoutImport.Options(List.of("x"), null, null, null)));
        assertTrue(e.getMessage().contains("holds 2 images"), e.getMessage());
        assertEquals(Map.of(), tags(dst));
    }

    @Test
    void referrersAreRecordedInTheDestinationsConvention() throws IOException {
        Descriptor sig = b.referrer(v1, "application/vnd.dev.cosign.artifact.sig.v1+json", "signature");
        b.untagged(sig); // recorded the oras way in the source
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(source, List.of(new LayoutExport.Root(v1, "v1")), out,
                new LayoutExport.Options(true, List.of(), Compression.NONE), null);
        Layout dst = Layout.create(fs.resolve("dst"));
        dst.index().update(i -> new FallbackTagStrategy().add(dst, i, LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'f').digest(),
                LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'e'))); // the destination uses fallback tags
        LayoutImport.Report r = importInto(dst, out.toByteArray(), LayoutImport.Options.defaults());
        assertEquals(1, r.referrers());
        assertTrue(Tags.list(dst.index().read()).stream().anyMatch(t -> t.name().equals(ReferrerKeys.fallbackTag(v1.digest()))),
                "recorded under the subject's fallback tag");
        assertEquals(List.of(sig.digest()), ReferrerIndex.build(dst, false).referrers(v1.digest(), null).stream()
                .map(x -> x.descriptor().digest()).toList());
    }

    @Test
    void aDockerArchiveBecomesOciImagesTaggedFromRepoTags() throws IOException {
        byte[] layer1 = new TarBuilder().file("etc/hostname", "box").build();
        byte[] layer2 = TarBuilder.gzip(new TarBuilder().file("bin/sh", "#!").build());
        String config = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\",\"rootfs\":{\"type\":\"layers\"}}";
        String configName = Digest.sha256(config.getBytes(StandardCharsets.UTF_8)).encoded() + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"busybox:1.36\",\"registry.example:5000/tools/box:latest\"],"
                + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\",\"ccc/layer.tar\"]}]";
        byte[] archive = new TarBuilder().directory("aaa").file("aaa/VERSION", "1.0").file("aaa/layer.tar", layer1)
                .file("bbb/layer.tar", layer2).symlink("ccc/layer.tar", "../aaa/layer.tar")
                .file(configName, config).file("manifest.json", manifest).file("repositories", "{}").build();
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutImport.Report r = importInto(dst, archive, LayoutImport.Options.defaults());
        assertEquals("docker-archive", r.format());
        assertEquals(List.of("aaa/VERSION"), r.ignored());
        Descriptor d = dst.resolveTag("1.36");
        assertEquals(d.digest(), dst.resolveTag("latest").digest());
        assertEquals("docker.io/library/busybox:1.36", Tags.entries(dst.index().read(), "1.36").get(0)
                .annotation(DockerArchive.IMAGE_NAME));
        assertEquals("v8", d.platform().variant());
        ImageManifest m = (ImageManifest) dst.readManifest(d);
        assertEquals(MediaType.OCI_MANIFEST, m.mediaType());
        assertEquals(Digest.sha256(config.getBytes(StandardCharsets.UTF_8)), m.config().digest());
        assertEquals(List.of(MediaType.OCI_LAYER, MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER),
                m.layers().stream().map(Descriptor::mediaType).toList());
        assertEquals(List.of(Digest.sha256(layer1), Digest.sha256(layer2), Digest.sha256(layer1)),
                m.layers().stream().map(Descriptor::digest).toList(), "the symlinked layer is the layer it points to");
        assertClean(dst);
    }

    @Test
    void anImportRefusedForConflictLeavesOnlyUnreferencedBlobs() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        new LayoutBuilder(dst).tag("v1", new LayoutBuilder(dst).image("mine", "m"));
        assertThrows(TagConflictException.class, () -> importInto(dst, exportAll(Compression.NONE), LayoutImport.Options.defaults()));
        assertNull(Tags.list(dst.index().read()).stream().filter(t -> t.name().equals("v2")).findAny().orElse(null));
        assertClean(dst);
    }

    @Test
    void aFixtureLayoutRoundTripsWithItsReferrers() throws IOException {
        Layout oras = Layout.open(TestData.copy("referrers/oras", fs.resolve("oras")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(oras, List.of(new LayoutExport.Root(oras.resolveTag("v1"), "v1")), out,
                new LayoutExport.Options(true, List.of(), Compression.GZIP), null);
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutImport.Report r = importInto(dst, out.toByteArray(), LayoutImport.Options.defaults());
        Digest subject = oras.resolveTag("v1").digest();
        assertEquals(ReferrerIndex.build(oras, false).referrers(subject, null).stream().map(x -> x.descriptor().digest()).sorted().toList(),
                ReferrerIndex.build(dst, false).referrers(subject, null).stream().map(x -> x.descriptor().digest()).sorted().toList());
        assertTrue(r.referrers() > 0);
        assertClean(dst);
    }
}
