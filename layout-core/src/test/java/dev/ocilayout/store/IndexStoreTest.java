package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexStoreTest {
    static final Descriptor A = Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + "a".repeat(64)), 10);
    static final Descriptor B = Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + "b".repeat(64)), 10);

    Layout layout;
    Path indexJson;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot());
        indexJson = layout.files().indexJson();
    }

    @Test
    void anUpdateIsWrittenAndReadBack() throws IOException {
        layout.index().update(i -> Tags.tag(i, "v1", A));
        assertEquals("v1", layout.index().read().manifests().get(0).refName());
        assertTrue(Files.readString(indexJson).endsWith("}\n"));
    }

    @Test
    void anUpdateThatChangesNothingDoesNotRewriteTheFile() throws IOException {
        layout.index().update(i -> Tags.tag(i, "v1", A));
        Object key = Files.readAttributes(indexJson, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        layout.index().update(i -> Tags.tag(i, "v1", A));
        assertEquals(key, Files.readAttributes(indexJson, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    }

    @Test
    void aFailingChangeWritesNothing() throws IOException {
        byte[] before = Files.readAllBytes(indexJson);
        assertThrows(IOException.class, () -> layout.index().update(i -> {
            throw new IOException("abort");
        }));
        assertArrayEquals(before, Files.readAllBytes(indexJson));
    }

    @Test
    void unknownFieldsWrittenByOtherToolsSurviveAnUpdate() throws IOException {
        Files.writeString(indexJson, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\","
                + "\"manifests\":[{\"mediaType\":\"application/xml\",\"digest\":\"sha256:" + "b".repeat(64)
                + "\",\"size\":7,\"vendor\":{\"x\":1}}],\"annotations\":{\"org.olareg.referrer.convert\":\"true\"},"
                + "\"org.olareg.history\":{}}");
        ImageIndex after = layout.index().update(i -> Tags.tag(i, "v1", A));
        String text = Files.readString(indexJson);
        assertTrue(text.contains("\"vendor\": {\"x\":1}") || text.contains("\"vendor\":{\"x\":1}"), text);
        assertTrue(text.contains("org.olareg.history"), text);
        assertTrue(text.contains("application/xml"), text);
        assertEquals(2, after.manifests().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "null", "{\"schemaVersion\":2,\"manifests\":null}",
        "{\"schemaVersion\":3,\"manifests\":[]}", "{\"schemaVersion\":2,\"manifests\":[],\"manifests\":[]}",
        "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}"})
    void aCorruptIndexJsonIsNeverRewritten(String corrupt) throws IOException {
        Files.writeString(indexJson, corrupt);
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class,
                () -> layout.index().update(i -> Tags.tag(i, "v1", A)));
        assertTrue(e.getMessage().contains("index.json"), e.getMessage());
        assertEquals(corrupt, Files.readString(indexJson, StandardCharsets.UTF_8));
    }

    @Test
    void readsSeeChangesMadeBehindTheirBack() throws IOException {
        ImageIndex first = layout.index().read();
        Layout other = Layout.open(layout.root());
        other.index().update(i -> Tags.tag(i, "v1", A));
        assertNotEquals(first, layout.index().read());
    }

    @Test
    void noTempFilesAreLeftAfterUpdates() throws IOException {
        for (int i = 0; i < 10; i++) {
            String tag = "t" + i;
            layout.index().update(x -> Tags.tag(x, tag, A));
        }
        try (var s = Files.list(layout.files().ingest())) {
            assertEquals(0, s.count());
        }
    }
    @Test
    void anUpdateStartsFromTheFileAsItIsNowNotFromTheLastRead() throws IOException {
        layout.index().update(i -> Tags.tag(i, "v1", A));
        layout.index().read(); // parsed and remembered
        // another writer moves v1 to B: a file of the same size, maybe with the same time
        Layout.open(layout.root()).index().update(i -> Tags.tag(i, "v1", B));
        layout.index().update(i -> Tags.tag(i, "v2", A));
        ImageIndex now = layout.index().read();
        assertEquals(B.digest(), Tags.entries(now, "v1").get(0).digest(), "the other writer's change is kept");
        assertEquals(A.digest(), Tags.entries(now, "v2").get(0).digest());
    }

    @Test
    void theStreamedIndexJsonIsTheDocumentItsParserReads() throws IOException {
        for (int i = 0; i < 50; i++) {
            String tag = "t" + i;
            Descriptor target = i % 2 == 0 ? A : B;
            layout.index().update(x -> Tags.tag(x, tag, target));
        }
        byte[] onDisk = Files.readAllBytes(indexJson);
        ImageIndex index = layout.index().read();
        assertArrayEquals(dev.ocilayout.model.ModelJson.toBytes(index, true), onDisk);
        assertEquals(index, dev.ocilayout.model.ModelJson.parseIndex(onDisk, "index.json"));
    }

    @Test
    void anIndexJsonOverTheLimitIsNeverWritten() throws IOException {
        Layout small = Layout.create(TestFs.unixRoot(), dev.ocilayout.LayoutOptions.defaults().withMaxIndexBytes(2_000));
        Path file = small.files().indexJson();
        small.index().update(i -> Tags.tag(i, "t0", A));
        byte[] before = Files.readAllBytes(file);
        var e = assertThrows(dev.ocilayout.error.InvalidContentException.class, () -> small.index().update(x -> {
            ImageIndex next = x;
            for (int i = 1; i < 40; i++) {
                next = Tags.tag(next, "t" + i, A);
            }
            return next;
        }));
        assertTrue(e.getMessage().contains("over the limit of 2000 bytes"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "index.json is as it was");
        try (var s = Files.list(small.files().ingest())) {
            assertEquals(0, s.count(), "no temp file is left");
        }
    }
}
