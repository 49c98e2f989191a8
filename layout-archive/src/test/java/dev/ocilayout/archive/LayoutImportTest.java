package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.TagConflictException;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
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
    void twoRepositoriesSharingATagStayApartByTheirFullNames() throws IOException {
        TarBuilder b = new TarBuilder();
        StringBuilder manifest = new StringBuilder("[");
        for (String repo : List.of("a", "b")) {
            byte[] layer = new TarBuilder().file("etc/" + repo, repo).build();
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"x\":\""
                    + repo + "\"}";
            String configName = Digest.sha256(config.getBytes(StandardCharsets.UTF_8)).encoded() + ".json";
            b.file(repo + "/layer.tar", layer).file(configName, config);
            manifest.append(repo.equals("a") ? "" : ",").append("{\"Config\":\"").append(configName)
                    .append("\",\"RepoTags\":[\"").append(repo).append(":latest\"],\"Layers\":[\"").append(repo)
                    .append("/layer.tar\"]}");
        }
        byte[] archive = b.file("manifest.json", manifest.append("]").toString()).build();
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutImport.Report r = importInto(dst, archive, LayoutImport.Options.defaults());
        assertEquals(2, r.images().size());
        Descriptor a = dst.resolveTag("docker.io/library/a:latest");
        Descriptor bImage = dst.resolveTag("docker.io/library/b:latest");
        assertTrue(!a.digest().equals(bImage.digest()), "two images, both kept");
        assertEquals("docker.io/library/a", dev.ocilayout.model.RefName.repositoryOf(
                Tags.list(dst.index().read()).get(0).name()));
        assertClean(dst);
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

    /** An OCI tar of {@code layout} as it is: oci-layout, index.json (first or last) and every blob. */
    static byte[] tarOf(Layout layout, boolean indexFirst) throws IOException {
        TarBuilder t = new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        byte[] index = java.nio.file.Files.readAllBytes(layout.files().indexJson());
        if (indexFirst) {
            t.file("index.json", index);
        }
        try (var blobs = java.nio.file.Files.list(layout.files().algorithmDir("sha256"))) {
            for (Path p : blobs.sorted().toList()) {
                t.blob(java.nio.file.Files.readAllBytes(p));
            }
        }
        if (!indexFirst) {
            t.file("index.json", index);
        }
        return t.build();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void blobsNothingNeedsAreRemovedBeforeTheImportEndsAndCounted(boolean indexFirst) throws IOException {
        Descriptor stray = b.blob("a blob no image or referrer needs", MediaType.OCTET_STREAM);
        Descriptor cosign = b.referrer(v1, "application/vnd.dev.cosign.artifact.sig.v1+json", "signature");
        Layout dst = Layout.create(fs.resolve("dst-" + indexFirst));
        LayoutImport.Report r = importInto(dst, tarOf(source, indexFirst),
                new LayoutImport.Options(List.of(), null, null, ArchiveLimits.defaults()));
        assertEquals(1, r.unneeded(), r.toString());
        assertEquals(stray.size(), r.unneededBytes());
        assertTrue(!dst.blobs().exists(stray.digest()), "the stray blob is gone");
        assertTrue(dst.blobs().exists(cosign.digest()), "a blob-only referrer of an imported image is kept");
        ImageManifest sig = (ImageManifest) dst.readManifest(cosign);
        sig.layers().forEach(l -> assertTrue(uncheckedExists(dst, l.digest()), "and what it references"));
        assertClean(dst);
    }

    @Test
    void aBlobTheLayoutAlreadyHeldIsNeverRemovedByAnImport() throws IOException {
        Descriptor stray = b.blob("held before", MediaType.OCTET_STREAM);
        Layout dst = Layout.create(fs.resolve("dst-held"));
        dst.blobs().put("held before".getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaType.OCTET_STREAM);
        LayoutImport.Report r = importInto(dst, tarOf(source, false),
                new LayoutImport.Options(List.of(), null, null, ArchiveLimits.defaults()));
        assertEquals(0, r.unneeded());
        assertTrue(dst.blobs().exists(stray.digest()));
    }

    static boolean uncheckedExists(Layout l, Digest d) {
        try {
            return l.blobs().exists(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
