package dev.ocilayout.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArtifactPushTest {
    Layout layout;
    Path sbom;
    Path readme;

    @BeforeEach
    void setUp() throws IOException {
        Path root = TestFs.unixRoot();
        layout = Layout.create(root.resolve("layout"));
        sbom = Files.writeString(root.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        readme = Files.writeString(root.resolve("README.md"), "# hi\n");
    }

    ImageManifest manifestOf(ArtifactPush.Result r) throws IOException {
        return (ImageManifest) layout.readManifest(r.manifest());
    }

    @Test
    void anArtifactWithoutConfigUsesTheEmptyDescriptorAndTitlesEachFile() throws IOException {
        ArtifactPush.Result r = ArtifactPush.builder()
                .artifactType("application/spdx+json")
                .file(sbom, "application/spdx+json")
                .file(readme, null)
                .created(Instant.parse("2024-01-31T12:00:00.5Z"))
                .build().push(layout, "v1", null);
        ImageManifest m = manifestOf(r);
        assertEquals(MediaType.OCI_MANIFEST, m.mediaType());
        assertEquals("application/spdx+json", m.artifactType());
        assertEquals(MediaType.OCI_EMPTY, m.config().mediaType());
        assertEquals(Digest.EMPTY_JSON, m.config().digest());
        assertEquals("e30=", m.config().data());
        assertTrue(layout.blobs().exists(Digest.EMPTY_JSON));
        assertEquals(List.of("sbom.json", "README.md"),
                m.layers().stream().map(d -> d.annotation(Annotations.TITLE)).toList());
        assertEquals(MediaType.OCTET_STREAM, m.layers().get(1).mediaType());
        assertEquals("2024-01-31T12:00:00Z", m.annotations().get(Annotations.CREATED));
        assertEquals(r.manifest().digest(), layout.resolveTag("v1").digest());
        assertEquals("application/spdx+json", layout.resolveTag("v1").artifactType());
    }

    @Test
    void theStoredManifestIsExactlyTheBytesReturned() throws IOException {
        ArtifactPush.Result r = ArtifactPush.builder().file(sbom, null).build().push(layout, "v1", null);
        assertArrayEquals(r.raw().bytes(), layout.readManifestBytes(r.manifest()));
        assertEquals(Digest.sha256(r.raw().bytes()), r.manifest().digest());
    }

    @Test
    void withoutFilesTheEmptyDescriptorIsTheOnlyLayer() throws IOException {
        ImageManifest m = manifestOf(ArtifactPush.builder().artifactType("application/vnd.example.marker")
                .build().push(layout, "marker", null));
        assertEquals(1, m.layers().size());
        assertEquals(Digest.EMPTY_JSON, m.layers().get(0).digest());
    }

    @Test
    void withoutConfigOrArtifactTypeTheUnknownArtifactTypeIsUsed() throws IOException {
        assertEquals(MediaType.UNKNOWN_ARTIFACT,
                manifestOf(ArtifactPush.builder().file(sbom, null).build().push(layout, "v1", null)).artifactType());
    }

    @Test
    void aGivenConfigReplacesTheEmptyOneAndNeedsNoArtifactType() throws IOException {
        ImageManifest m = manifestOf(ArtifactPush.builder().config(sbom, "application/vnd.example.config.v1+json")
                .file(readme, null).build().push(layout, "v1", null));
        assertEquals("application/vnd.example.config.v1+json", m.config().mediaType());
        assertNull(m.artifactType());
        assertNull(m.config().data());
    }

    @Test
    void annotationsAreKeptAndAnExplicitCreatedWins() throws IOException {
        ImageManifest m = manifestOf(ArtifactPush.builder().file(sbom, null)
                .annotation("org.opencontainers.image.source", "https://example.com")
                .annotation(Annotations.CREATED, "2020-02-02T02:02:02Z")
                .build().push(layout, "v1", null));
        assertEquals("https://example.com", m.annotations().get("org.opencontainers.image.source"));
        assertEquals("2020-02-02T02:02:02Z", m.annotations().get(Annotations.CREATED));
    }

    @Test
    void aPushWithoutTagIsRecordedAsAnUntaggedEntry() throws IOException {
        ArtifactPush.Result r = ArtifactPush.builder().file(sbom, null).build().push(layout, null, null);
        Descriptor entry = layout.index().read().manifests().get(0);
        assertEquals(r.manifest().digest(), entry.digest());
        assertNull(entry.refName());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() throws IOException {
        byte[] before = Files.readAllBytes(layout.files().indexJson());
        assertThrows(NotFoundException.class, () -> ArtifactPush.builder()
                .file(sbom.resolveSibling("missing"), null).build().push(layout, "v1", null));
        assertThrows(IllegalArgumentException.class, () -> ArtifactPush.builder()
                .file(sbom, null).file(sbom, null).build().push(layout, "v1", null));
        assertThrows(IllegalArgumentException.class, () -> ArtifactPush.builder()
                .artifactType("not a media type").file(sbom, null).build().push(layout, "v1", null));
        assertThrows(IllegalArgumentException.class, () -> ArtifactPush.builder()
                .file(sbom, "bad").build().push(layout, "v1", null));
        assertThrows(IllegalArgumentException.class, () -> ArtifactPush.builder()
                .annotation(Annotations.CREATED, "yesterday").file(sbom, null).build().push(layout, "v1", null));
        assertThrows(IllegalArgumentException.class, () -> ArtifactPush.builder()
                .file(sbom, null).build().push(layout, "bad tag", null));
        assertArrayEquals(before, Files.readAllBytes(layout.files().indexJson()));
        try (var s = Files.list(layout.files().blobs().resolve("sha256"))) {
            assertEquals(List.of(), s.toList(), "no blob written by a refused push");
        } catch (java.nio.file.NoSuchFileException e) {
            // no blob directory at all: fine
        }
    }

    @Test
    void attachMakesTheSubjectItRecordsTheManifestsSubject() throws IOException {
        ArtifactPush.Result image = ArtifactPush.builder().file(readme, "text/markdown").build().push(layout, "v1", null);
        Descriptor attached = ArtifactPush.builder().artifactType("application/spdx+json").file(sbom, "application/spdx+json")
                .build().attach(layout, image.manifest(), new SubjectAnnotationStrategy(), null);
        assertEquals(image.manifest().digest(), layout.readManifest(attached).subject().digest());
    }

    @Test
    void attachRefusesAnArtifactBuiltForAnotherSubject() throws IOException {
        ArtifactPush.Result a = ArtifactPush.builder().file(readme, "text/markdown").build().push(layout, "a", null);
        ArtifactPush.Result b = ArtifactPush.builder().file(sbom, "text/plain").build().push(layout, "b", null);
        ArtifactPush forA = ArtifactPush.builder().file(sbom, "application/spdx+json").subject(a.manifest()).build();
        assertThrows(IllegalArgumentException.class, () -> forA.attach(layout,
                b.manifest(), new SubjectAnnotationStrategy(), null));
    }
}
