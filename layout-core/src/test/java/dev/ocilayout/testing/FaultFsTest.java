package dev.ocilayout.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.io.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The crash model the enumeration relies on: what survives a power cut, and nothing more. */
class FaultFsTest {
    static void write(FaultFs fs, Path file, String content, boolean force) throws IOException {
        try (WritableFile f = fs.createNew(file)) {
            f.write(ByteBuffer.wrap(content.getBytes()));
            if (force) {
                f.force();
            }
        }
    }

    static Path dir() throws IOException {
        Path root = TestFs.unixRoot().resolve("d");
        Files.createDirectories(root);
        Files.writeString(root.resolve("old"), "old");
        return root;
    }

    @Test
    void whatExistedBeforeSurvives() throws IOException {
        FaultFs fs = new FaultFs(dir(), FaultFs.Mode.POWER_CUT, 1);
        assertThrows(FaultFs.PowerCut.class, () -> fs.createDirectory(dir().resolve("x")));
        assertEquals("old", Files.readString(fs.afterPowerCut().resolve("old")));
    }

    @Test
    void aNewFileNeedsItsDirectorySyncedAndItsDataForced() throws IOException {
        Path root = dir();
        FaultFs fs = new FaultFs(root, FaultFs.Mode.POWER_CUT, 100);
        write(fs, root.resolve("unsynced"), "a", true);
        write(fs, root.resolve("unforced"), "b", false);
        write(fs, root.resolve("durable"), "c", true);
        fs.syncDirectory(root);
        write(fs, root.resolve("late"), "d", true);
        Path after = fs.afterPowerCut();
        assertEquals("c", Files.readString(after.resolve("durable")));
        assertEquals("a", Files.readString(after.resolve("unsynced")), "synced with the directory later");
        assertArrayEquals(new byte[0], Files.readAllBytes(after.resolve("unforced")), "data never forced is lost");
        assertTrue(Files.notExists(after.resolve("late")), "created after the last directory sync");
    }

    @Test
    void aRenameOrDeleteCountsOnlyOnceTheDirectoryIsSynced() throws IOException {
        Path root = dir();
        FaultFs fs = new FaultFs(root, FaultFs.Mode.POWER_CUT, 100);
        write(fs, root.resolve("tmp"), "new", true);
        fs.moveAtomic(root.resolve("tmp"), root.resolve("old"));
        Path before = fs.afterPowerCut();
        assertEquals("old", Files.readString(before.resolve("old")), "rename not yet durable");
        fs.syncDirectory(root);
        assertEquals("new", Files.readString(fs.afterPowerCut().resolve("old")));
        fs.deleteIfExists(root.resolve("old"));
        assertTrue(Files.exists(fs.afterPowerCut().resolve("old")));
        fs.syncDirectory(root);
        assertTrue(Files.notExists(fs.afterPowerCut().resolve("old")));
    }

    @Test
    void throwModeFailsOnlyTheChosenOperation() throws IOException {
        Path root = dir();
        FaultFs fs = new FaultFs(root, FaultFs.Mode.THROW, 2);
        fs.createDirectory(root.resolve("a"));
        assertThrows(IOException.class, () -> fs.createDirectory(root.resolve("b")));
        fs.createDirectory(root.resolve("c"));
        assertEquals(3, fs.operations());
        assertTrue(Files.isDirectory(root.resolve("c")) && Files.notExists(root.resolve("b")));
    }
}
