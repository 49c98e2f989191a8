package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An archive file appears only complete, replaces what was there only on success, and leaves no temp file. */
class ArchiveFileTest {
    @TempDir
    Path tmp;

    List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }

    static String write(LayoutExport.Sink sink, String text) throws IOException {
        sink.stream().write(text.getBytes(StandardCharsets.UTF_8));
        sink.stream().flush();
        return text;
    }

    @Test
    void aWrittenArchiveAppearsWholeAndNoTempFileStays() throws IOException {
        Path target = tmp.resolve("a.tar");
        assertEquals("content", ArchiveFile.write(target, sink -> write(sink, "content")));
        assertEquals("content", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNothingElse() throws IOException {
        Path target = Files.writeString(tmp.resolve("a.tar"), "old");
        assertThrows(IOException.class, () -> ArchiveFile.write(target, sink -> {
            write(sink, "half of the new");
            throw new IOException("the source failed");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aMissingFolderIsNamedAsTheFileGiven() {
        Path target = tmp.resolve("no/such/dir/a.tar");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ArchiveFile.write(target,
                sink -> write(sink, "x")));
        assertEquals(target.toString(), e.getFile());
    }
}
