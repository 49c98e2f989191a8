package dev.ocilayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.Reference;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LayoutTest {
    Path dir;

    @BeforeEach
    void setUp() {
        dir = TestFs.unixRoot().resolve("a/b/layout");
    }

    @Test
    void createWritesTheThreeRequiredEntries() throws IOException {
        Layout.create(dir);
        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(dir.resolve("oci-layout")));
        assertTrue(Files.isDirectory(dir.resolve("blobs")));
        assertEquals(ImageIndex.empty(), Layout.open(dir).index().read());
    }

    @Test
    void createIsIdempotentAndNeverOverwritesAnIndex() throws IOException {
        Layout layout = Layout.create(dir);
        Descriptor m = Descriptor.of(MediaType.OCI_MANIFEST, Digest.EMPTY_JSON, 2);
        layout.index().update(i -> Tags.tag(i, "v1", m));
        byte[] before = Files.readAllBytes(dir.resolve("index.json"));
        Layout.create(dir);
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("index.json")));
    }

    @Test
    void openRejectsADirectoryThatIsNotALayout() throws IOException {
        Files.createDirectories(dir);
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.open(dir));
        assertTrue(e.getMessage().contains("oci-layout is missing"), e.getMessage());
        assertThrows(NotFoundException.class, () -> Layout.open(dir.resolve("nope")));
    }

    @Test
    void openRejectsAnUnsupportedLayoutVersion() throws IOException {
        Layout.create(dir);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.open(dir));
        assertTrue(e.getMessage().contains("unsupported imageLayoutVersion \"2.0.0\""), e.getMessage());
        assertThrows(InvalidLayoutException.class, () -> Layout.create(dir));
        assertEquals("{\"imageLayoutVersion\":\"2.0.0\"}", Files.readString(dir.resolve("oci-layout")));
    }

    @Test
    void openRejectsAMissingOrInvalidIndexJson() throws IOException {
        Layout.create(dir);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,");
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.open(dir));
        assertTrue(e.getMessage().contains("index.json: invalid JSON"), e.getMessage());
        Files.delete(dir.resolve("index.json"));
        e = assertThrows(InvalidLayoutException.class, () -> Layout.open(dir));
        assertTrue(e.getMessage().contains("index.json is missing"), e.getMessage());
    }

    @Test
    void openRejectsASymlinkedBlobsDirectory() throws IOException {
        Layout.create(dir);
        Path elsewhere = dir.resolveSibling("elsewhere");
        Files.createDirectories(elsewhere);
        Files.delete(dir.resolve("blobs"));
        Files.createSymbolicLink(dir.resolve("blobs"), elsewhere);
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.open(dir));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void resolveFindsTagsUntaggedEntriesAndBlobOnlyDigests() throws IOException {
        Layout layout = Layout.create(dir);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor tagged = layout.blobs().put(manifest, MediaType.OCI_MANIFEST);
        layout.index().update(i -> Tags.tag(i, "v1", tagged));
        assertEquals(tagged.digest(), layout.resolve(Reference.parse(dir + ":v1")).digest());

        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor untagged = layout.blobs().put(index, MediaType.OCI_INDEX);
        layout.index().update(i -> Tags.addUntagged(i, untagged));
        assertEquals(untagged, layout.resolve(untagged.digest()));

        Descriptor onlyBlob = layout.blobs().put(("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"a/b\","
                + "\"digest\":\"" + Digest.EMPTY_JSON + "\",\"size\":2}]}").getBytes(StandardCharsets.UTF_8), "x/y");
        Descriptor sniffed = layout.resolve(onlyBlob.digest());
        assertEquals(MediaType.OCI_INDEX, sniffed.mediaType());
        assertEquals(onlyBlob.size(), sniffed.size());

        Descriptor opaque = layout.blobs().put(new ByteArrayInputStream(new byte[] {1, 2, 3}), "x/y", null);
        assertEquals(MediaType.OCTET_STREAM, layout.resolve(opaque.digest()).mediaType());
    }

    @Test
    void unknownTagsAreNotFoundAndTheMessageListsKnownTags() throws IOException {
        Layout layout = Layout.create(dir);
        layout.index().update(i -> Tags.tag(i, "v1", Descriptor.of(MediaType.OCI_MANIFEST, Digest.EMPTY_JSON, 2)));
        NotFoundException e = assertThrows(NotFoundException.class, () -> layout.resolveTag("v2"));
        assertTrue(e.getMessage().contains("tags: v1"), e.getMessage());
        assertThrows(NotFoundException.class, () -> layout.resolve(Digest.parse("sha256:" + "f".repeat(64))));
    }

    @Test
    void aTagOnTwoDifferentDigestsIsReportedNotGuessed() throws IOException {
        Layout layout = Layout.create(dir);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + "{\"mediaType\":\"a/b\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":1,"
                + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}},"
                + "{\"mediaType\":\"a/b\",\"digest\":\"sha256:" + "b".repeat(64) + "\",\"size\":1,"
                + "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}");
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> layout.resolveTag("v1"));
        assertTrue(e.getMessage().contains("names sha256:aaaa"), e.getMessage());
    }
}
