package dev.ocilayout.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactPullTest {
    Path root;
    Layout layout;

    @BeforeEach
    void setUp() throws IOException {
        root = TestFs.unixRoot();
        layout = Layout.create(root.resolve("layout"));
    }

    Descriptor manifestWithTitles(String... titles) throws IOException {
        List<Descriptor> layers = new java.util.ArrayList<>();
        for (String t : titles) {
            Descriptor d = layout.blobs().put(new ByteArrayInputStream(("content of " + t).getBytes(StandardCharsets.UTF_8)),
                    "text/plain", null);
            layers.add(t == null ? d : d.withAnnotation(Annotations.TITLE, t));
        }
        Descriptor config = layout.blobs().put(ArtifactPush.EMPTY_JSON, MediaType.OCI_EMPTY);
        byte[] bytes = ModelJson.toBytes(new ImageManifest(2, MediaType.OCI_MANIFEST, "a/b", config, layers, null, null, null));
        return layout.blobs().put(bytes, MediaType.OCI_MANIFEST);
    }

    @Test
    void writesEachTitledLayerAndSkipsUntitledOnes() throws IOException {
        Path out = root.resolve("out");
        List<ArtifactPull.Entry> entries = ArtifactPull.pull(layout, manifestWithTitles("a.txt", "sub/b.txt", null), out, null);
        assertEquals("content of a.txt", Files.readString(out.resolve("a.txt")));
        assertEquals("content of sub/b.txt", Files.readString(out.resolve("sub/b.txt")));
        assertEquals(1, entries.stream().filter(ArtifactPull.Entry::skipped).count());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(2, s.count(), "no temp files left");
        }
    }

    @Test
    void roundTripsAPushedArtifact() throws IOException {
        Path f = Files.writeString(root.resolve("data.bin"), "payload");
        ArtifactPush.Result r = ArtifactPush.builder().file(f, null).build().push(layout, "v1", null);
        ArtifactPull.pull(layout, r.manifest(), root.resolve("out"), null);
        assertEquals("payload", Files.readString(root.resolve("out/data.bin")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "/etc/passwd", "a/../../escape", "a//b", "./a", "a\\b", ""})
    void refusesTitlesThatEscapeTheDirectoryBeforeWritingAnything(String title) throws IOException {
        Descriptor m = manifestWithTitles("good.txt", title);
        Path out = root.resolve("out");
        assertThrows(InvalidContentException.class, () -> ArtifactPull.pull(layout, m, out, null));
        assertFalse(Files.exists(out.resolve("good.txt")));
        assertFalse(Files.exists(root.resolve("escape")));
    }

    @Test
    void refusesToWriteThroughASymlinkedDirectory() throws IOException {
        Path out = Files.createDirectories(root.resolve("out"));
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(out.resolve("sub"), elsewhere);
        Descriptor m = manifestWithTitles("sub/x.txt");
        assertThrows(InvalidContentException.class, () -> ArtifactPull.pull(layout, m, out, null));
        assertFalse(Files.exists(elsewhere.resolve("x.txt")));
    }

    @Test
    void aCorruptLayerLeavesNoFileBehind() throws IOException {
        Descriptor m = manifestWithTitles("a.txt");
        ImageManifest manifest = (ImageManifest) layout.readManifest(m);
        Files.writeString(layout.files().blob(manifest.layers().get(0).digest()), "tampered!!!!!!!");
        Path out = root.resolve("out");
        assertThrows(IntegrityException.class, () -> ArtifactPull.pull(layout, m, out, null));
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void anIndexCannotBePulledAsFiles() throws IOException {
        Descriptor idx = layout.blobs().put(ModelJson.toBytes(ImageIndex.empty(), false), MediaType.OCI_INDEX);
        assertThrows(UnsupportedException.class, () -> ArtifactPull.pull(layout, idx, root.resolve("out"), null));
    }

    @Test
    void duplicateTitlesAreRefused() throws IOException {
        Descriptor m = manifestWithTitles("same", "same");
        assertThrows(InvalidContentException.class, () -> ArtifactPull.pull(layout, m, root.resolve("out"), null));
        assertTrue(Files.notExists(root.resolve("out/same")));
    }

    @Test
    void aTitleThatIsTheFolderOfAnotherIsRefusedBeforeAnythingIsWritten() throws IOException {
        Descriptor m = manifestWithTitles("f", "f/g");
        Path out = root.resolve("out");
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ArtifactPull.pull(layout, m, out, null));
        assertTrue(e.getMessage().contains("\"f\" would be both a file and a folder"), e.getMessage());
        assertFalse(Files.exists(out), "nothing created, not even the output folder");
    }
}
