package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import dev.ocilayout.testing.TwoImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Export in each format and compression, imported back; docker-archive rules; delta archives. */
class ExportFormatsTest {
    Path fs;
    Layout source;
    LayoutBuilder b;
    Descriptor v1;
    Descriptor v2;

    @BeforeEach
    void setUp() throws IOException {
        fs = TestFs.unixRoot();
        TwoImages two = TwoImages.create(fs.resolve("my-images"));
        source = two.layout();
        b = two.builder();
        v1 = two.v1();
        v2 = two.v2();
    }

    byte[] export(Layout layout, List<LayoutExport.Root> roots, LayoutExport.Options options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(layout, roots, out, options, null);
        return out.toByteArray();
    }

    List<LayoutExport.Root> both() {
        return List.of(new LayoutExport.Root(v1, "v1"), new LayoutExport.Root(v2, "v2"));
    }

    static LayoutExport.Options options(LayoutExport.Format f, Compression c) {
        return new LayoutExport.Options(false, List.of(), c, f, null, Set.of());
    }

    static Map<String, byte[]> files(byte[] tar) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                m.put(e.getName(), in.readAllBytes());
            }
        }
        return m;
    }

    LayoutImport.Report importInto(Layout dst, byte[] archive) throws IOException {
        return LayoutImport.importArchive(dst, new ByteArrayInputStream(archive), "t.tar", LayoutImport.Options.defaults(), null);
    }

    /** Config and layer digests of a tag's image. */
    static List<Digest> content(Layout l, String tag) throws IOException {
        ImageManifest m = (ImageManifest) l.readManifest(l.resolveTag(tag));
        List<Digest> all = new java.util.ArrayList<>();
        all.add(m.config().digest());
        m.layers().forEach(d -> all.add(d.digest()));
        return all;
    }

    static Arguments[] formatsAndCompressions() {
        List<Arguments> all = new java.util.ArrayList<>();
        for (LayoutExport.Format f : LayoutExport.Format.values()) {
            for (Compression c : Compression.values()) {
                all.add(Arguments.of(f, c));
            }
        }
        return all.toArray(new Arguments[0]);
    }

    @ParameterizedTest
    @MethodSource("formatsAndCompressions")
    void everyFormatAndCompressionImportsBackWithTheSameTagsAndContent(LayoutExport.Format f, Compression c) throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        LayoutImport.Report r = importInto(dst, export(source, both(), options(f, c)));
        assertEquals(f == LayoutExport.Format.DOCKER ? "docker-archive" : "oci", r.format());
        for (String tag : List.of("v1", "v2")) {
            assertEquals(content(source, tag), content(dst, tag), tag);
            if (f != LayoutExport.Format.DOCKER) {
                assertEquals(source.resolveTag(tag).digest(), dst.resolveTag(tag).digest(), "the same manifest");
            }
        }
        assertEquals(0, Fsck.check(dst, 2, null).count(Finding.Severity.ERROR));
    }

    @Test
    void aDockerArchiveListsConfigRepoTagsAndLayersUnderBlobs() throws IOException {
        Map<String, byte[]> files = files(export(source, both(), options(LayoutExport.Format.DUAL, Compression.NONE)));
        assertTrue(files.containsKey("oci-layout") && files.containsKey("index.json"), "dual is an OCI layout too");
        JsonNode manifest = ModelJson.mapper().readTree(files.get("manifest.json"));
        assertEquals(2, manifest.size());
        JsonNode first = manifest.get(0);
        ImageManifest m = (ImageManifest) source.readManifest(v1);
        assertEquals("blobs/sha256/" + m.config().digest().encoded(), first.get("Config").asText());
        assertEquals("my-images:v1", first.get("RepoTags").get(0).asText(), "repository from the layout directory");
        assertEquals(2, first.get("Layers").size());
        for (JsonNode l : first.get("Layers")) {
            assertTrue(files.containsKey(l.asText()), l.asText());
        }
        assertEquals(m.layers().get(1).digest().encoded(),
                ModelJson.mapper().readTree(files.get("repositories")).get("my-images").get("v1").asText());
        Map<String, byte[]> docker = files(export(source, both(), options(LayoutExport.Format.DOCKER, Compression.NONE)));
        assertTrue(!docker.containsKey("index.json") && !docker.containsKey("oci-layout"));
    }

    @Test
    void anImageNameAnnotationBecomesTheRepoTag() throws IOException {
        Descriptor named = v1.withAnnotation(DockerArchive.IMAGE_NAME, "registry.example/team/app:v1");
        byte[] tar = export(source, List.of(new LayoutExport.Root(named, "v1")), options(LayoutExport.Format.DOCKER, Compression.NONE));
        assertEquals("registry.example/team/app:v1",
                ModelJson.mapper().readTree(files(tar).get("manifest.json")).get(0).get("RepoTags").get(0).asText());
    }

    @Test
    void dockerFormatsRefuseAMultiPlatformIndexButTakeOnePlatformOfIt() throws IOException {
        Layout seeds = Layout.open(TestData.copy("seed-shapes", fs.resolve("seeds")));
        List<LayoutExport.Root> root = List.of(new LayoutExport.Root(seeds.resolveTag("mixed-index"), "multi"));
        UnsupportedException e = assertThrows(UnsupportedException.class,
                () -> export(seeds, root, options(LayoutExport.Format.DOCKER, Compression.NONE)));
        assertEquals(Hint.Kind.CHOOSE_PLATFORM, e.hint().kind(), e.getMessage());
        LayoutExport.Options one = new LayoutExport.Options(false, List.of(Platform.parse("linux/arm/v7")), Compression.NONE,
                LayoutExport.Format.DUAL, null, Set.of());
        assertEquals(1, ModelJson.mapper().readTree(files(export(seeds, root, one)).get("manifest.json")).size());
    }

    @Test
    void dockerFormatsRefuseArtifacts() throws IOException {
        Layout example = Layout.open(TestData.copy("example-layout", fs.resolve("example")));
        UnsupportedException e = assertThrows(UnsupportedException.class, () -> export(example,
                List.of(new LayoutExport.Root(example.resolveTag("v1"), "v1")), options(LayoutExport.Format.DUAL, Compression.NONE)));
        assertTrue(e.getMessage().contains("not a container image"), e.getMessage());
        assertThrows(UnsupportedException.class, () -> export(source, both(),
                new LayoutExport.Options(true, List.of(), Compression.NONE, LayoutExport.Format.DOCKER, null, Set.of())));
    }

    @Test
    void aDeltaArchiveLeavesOutWhatTheDestinationHasAndSaysSo() throws IOException {
        Layout dst = Layout.create(fs.resolve("dst"));
        importInto(dst, export(source, List.of(new LayoutExport.Root(v1, "v1")), options(LayoutExport.Format.OCI, Compression.NONE)));
        Set<Digest> there = new HashSet<>();
        BlobList.of(dst).forEach(e -> there.add(e.digest()));
        LayoutExport.Options delta = new LayoutExport.Options(false, List.of(), Compression.NONE, LayoutExport.Format.OCI, null, there);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.Report report = LayoutExport.export(source, List.of(new LayoutExport.Root(v2, "v2")), out, delta, null);
        assertEquals(1, report.excluded(), "the shared layer");
        assertEquals(3, report.blobs(), "manifest, config, its own layer");
        byte[] tar = out.toByteArray();
        assertTrue(new String(files(tar).get(LayoutExport.EXPECTED_BLOBS)).startsWith("sha256:"));

        Layout empty = Layout.create(fs.resolve("empty"));
        NotFoundException e = assertThrows(NotFoundException.class, () -> importInto(empty, tar));
        assertTrue(e.getMessage().contains("delta archive expects 1 blobs") && e.getMessage().contains("1 are missing"), e.getMessage());
        importInto(dst, tar);
        assertEquals(content(source, "v2"), content(dst, "v2"));
        assertEquals(0, Fsck.check(dst, 2, null).count(Finding.Severity.ERROR));
    }

    @Test
    void blobListsRoundTripAndRejectJunk() throws IOException {
        List<BlobList.Entry> all = BlobList.of(source);
        assertEquals(all, BlobList.parse(BlobList.format(all), "list"));
        assertEquals(List.of(new BlobList.Entry(v1.digest(), -1)),
                BlobList.parse(("# from elsewhere\n\n" + v1.digest() + "\n").getBytes(), "list"));
        assertThrows(dev.ocilayout.error.InvalidContentException.class, () -> BlobList.parse("sha256:zz 1\n".getBytes(), "list"));
        assertThrows(dev.ocilayout.error.InvalidContentException.class, () -> BlobList.parse((v1.digest() + " big\n").getBytes(), "list"));
    }
}
