package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Docker 25's {@code docker save} output, entry for entry as moby#47065 lists it for hello-world
 * ({@code blobs/}, {@code blobs/sha256/} with config, layer and manifest, {@code index.json},
 * {@code manifest.json}, {@code oci-layout}, {@code repositories}), in three versions: the released format,
 * the 25.0.0-rc.1 archive whose OCI manifest has no layers (moby#47065), and the rc.2 archive whose layer
 * descriptors carry the wrong size (moby#47072). The released one imports as OCI; the broken ones are refused
 * with the reason, and import from manifest.json when asked.
 */
class DockerSaveArchivesTest {
    static final String CONFIG = "{\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"/hello\"],\"Env\":[\"PATH=/usr/local/sbin:"
            + "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"WorkingDir\":\"/\"},\"created\":\"2023-05-02T16:49:27Z\","
            + "\"history\":[{\"created\":\"2023-05-02T16:49:27Z\",\"created_by\":\"COPY hello / # buildkit\"}],"
            + "\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"DIFFID\"]}}";

    Layout dst;

    @BeforeEach
    void setUp() throws IOException {
        dst = Layout.create(TestFs.unixRoot().resolve("dst"));
    }

    enum Version { RELEASED, RC1_NO_LAYERS, RC2_WRONG_SIZE }

    /** A hello-world save by Docker 25 in the given version. */
    static byte[] dockerSave(Version version) {
        byte[] layer = new TarBuilder().file("hello", "Hello from Docker!\n").build();
        Digest layerDigest = Digest.sha256(layer);
        byte[] config = CONFIG.replace("DIFFID", layerDigest.toString()).getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256(config);
        String layers = switch (version) {
            case RELEASED -> layerDescriptor(layerDigest, layer.length);
            case RC1_NO_LAYERS -> "";
            case RC2_WRONG_SIZE -> layerDescriptor(layerDigest, 2560);
        };
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},\"layers\":[" + layers + "]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = Digest.sha256(manifest);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
                + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/hello-world:latest\","
                + "\"org.opencontainers.image.ref.name\":\"latest\"}}]}\n";
        String manifestJson = "[{\"Config\":\"blobs/sha256/" + configDigest.encoded() + "\",\"RepoTags\":[\"hello-world:latest\"],"
                + "\"Layers\":[\"blobs/sha256/" + layerDigest.encoded() + "\"]}]\n";
        String repositories = "{\"hello-world\":{\"latest\":\"" + layerDigest.encoded() + "\"}}\n";
        return new TarBuilder().directory("blobs/").directory("blobs/sha256/")
                .file("blobs/sha256/" + manifestDigest.encoded(), manifest)
                .file("blobs/sha256/" + configDigest.encoded(), config)
                .file("blobs/sha256/" + layerDigest.encoded(), layer)
                .file("index.json", index).file("manifest.json", manifestJson)
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}").file("repositories", repositories).build();
    }

    static String layerDescriptor(Digest d, long size) {
        return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + d + "\",\"size\":" + size + "}";
    }

    LayoutImport.Report importArchive(byte[] tar, boolean useManifestJson) throws IOException {
        return LayoutImport.importArchive(dst, new ByteArrayInputStream(tar), "hello-world.tar",
                new LayoutImport.Options(List.of(), null, null, null, useManifestJson), null);
    }

    List<Descriptor> layersOfLatest() throws IOException {
        return ((ImageManifest) dst.readManifest(dst.resolveTag("latest"))).layers();
    }

    @Test
    void aReleasedDocker25SaveImportsAsOciWithItsTagAndName() throws IOException {
        LayoutImport.Report r = importArchive(dockerSave(Version.RELEASED), false);
        assertEquals("oci", r.format());
        assertEquals(List.of("latest"), r.images().stream().map(LayoutImport.Imported::tag).toList());
        assertEquals("docker.io/library/hello-world:latest",
                dst.index().read().manifests().get(0).annotation("io.containerd.image.name"));
        assertEquals(1, layersOfLatest().size());
    }

    @Test
    void anRc1SaveWhoseOciManifestHasNoLayersIsRefusedWithTheReason() throws IOException {
        byte[] before = Files.readAllBytes(dst.root().resolve("index.json"));
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> importArchive(dockerSave(Version.RC1_NO_LAYERS), false));
        assertTrue(e.getMessage().startsWith("hello-world.tar: index.json and manifest.json disagree about image sha256:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("its OCI manifest lists 0 layers, manifest.json 1 (sha256:"), e.getMessage());
        assertTrue(e.getMessage().endsWith("moby#47065, moby#47072); nothing was tagged"), e.getMessage());
        assertEquals(Hint.Kind.USE_MANIFEST_JSON, e.hint().kind());
        assertArrayEquals(before, Files.readAllBytes(dst.root().resolve("index.json")));
    }

    @Test
    void anRc2SaveWhoseLayerSizesAreWrongIsRefusedWithTheReason() {
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> importArchive(dockerSave(Version.RC2_WRONG_SIZE), false));
        assertTrue(e.getMessage().contains("lists 1 layer (sha256:"), e.getMessage());
        assertTrue(e.getMessage().contains(" 2560 B), manifest.json 1 (sha256:"), e.getMessage());
    }

    @Test
    void aBrokenRcSaveImportsFromManifestJsonWhenAsked() throws IOException {
        for (Version v : List.of(Version.RC1_NO_LAYERS, Version.RC2_WRONG_SIZE)) {
            LayoutImport.Report r = importArchive(dockerSave(v), true);
            assertEquals("docker-archive", r.format());
            assertEquals(1, layersOfLatest().size(), v.name());
            assertTrue(dev.ocilayout.fsck.Fsck.check(dst, 2, null).clean());
        }
    }
}
