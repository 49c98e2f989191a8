package dev.ocilayout.fsck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import dev.ocilayout.testing.TwoImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepairTest {
    TwoImages two;
    Layout layout;
    LayoutBuilder b;

    @BeforeEach
    void setUp() throws IOException {
        two = TwoImages.create(TestFs.unixRoot().resolve("layout"));
        layout = two.layout();
        b = two.builder();
    }

    @Test
    void aCleanLayoutNeedsNothing() throws IOException {
        assertEquals(List.of(), Repair.run(layout));
    }

    @Test
    void tempLeftoversAreRemoved() throws IOException {
        Path temp = layout.files().ingest().resolve("ocil-00000000-0000-0000-0000-000000000000.tmp");
        Files.createDirectories(temp.getParent());
        Files.writeString(temp, "half a blob");
        Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minusSeconds(60)));
        Path foreign = layout.files().ingest().resolve("other-tool.partial");
        Files.writeString(foreign, "not ours");
        List<Repair.Action> actions = Repair.run(layout);
        assertEquals(List.of("TEMP_REMOVED"), actions.stream().map(Repair.Action::code).toList());
        assertTrue(Files.notExists(temp));
        assertTrue(Files.exists(foreign), "other tools' files are left alone");
    }

    @Test
    void anOrphanedCompleteManifestIsListedAgainUntaggedButNotItsChildrenOrIncompleteOnes() throws IOException {
        Descriptor orphanIndex = b.index(b.image("lost-child", "lost-layer"));
        Descriptor incomplete = b.manifest(b.blob("{}", MediaType.OCI_CONFIG), null, null, LayoutBuilder.absent(MediaType.OCI_LAYER, 'e'));
        List<Repair.Action> actions = Repair.run(layout);
        assertEquals(1, actions.size(), actions.toString());
        assertEquals(orphanIndex.digest(), actions.get(0).digest());
        List<Descriptor> entries = layout.index().read().manifests();
        assertTrue(entries.stream().anyMatch(d -> d.digest().equals(orphanIndex.digest()) && d.refName() == null));
        assertTrue(entries.stream().noneMatch(d -> d.digest().equals(incomplete.digest())));
        assertEquals(0, Fsck.check(layout, 1, null).count(Finding.Severity.ERROR));
        assertEquals(List.of(), Repair.run(layout), "repairing twice changes nothing");
    }

    @Test
    void anIndexJsonThatDoesNotParseIsNeverRewritten() throws IOException {
        b.index(b.image("lost-child", "lost-layer"));
        Path index = layout.root().resolve("index.json");
        Files.writeString(index, "{\"schemaVersion\":2,\"manifests\":[");
        byte[] before = Files.readAllBytes(index);
        assertThrows(InvalidLayoutException.class, () -> Repair.run(Layout.open(layout.root())));
        assertArrayEquals(before, Files.readAllBytes(index));
    }
}
