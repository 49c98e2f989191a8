package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactAttributesTest {
    @TempDir
    Path tmp;

    @Test
    void keepsWhatGcAsksOfAFile() throws IOException {
        Path f = Files.write(tmp.resolve("blob"), new byte[1234]);
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_123L));
        BasicFileAttributes real = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        BasicFileAttributes compact = CompactAttributes.of(real);
        assertEquals(1234, compact.size());
        assertEquals(real.lastModifiedTime(), compact.lastModifiedTime());
        assertTrue(compact.isRegularFile());
        assertFalse(compact.isDirectory() || compact.isSymbolicLink() || compact.isOther());
    }

    @Test
    void tellsALinkAndAFolderFromAFile() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("elsewhere"));
        assertTrue(CompactAttributes.of(Files.readAttributes(link, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS)).isSymbolicLink());
        assertTrue(CompactAttributes.of(Files.readAttributes(tmp, BasicFileAttributes.class)).isDirectory());
    }

    @Test
    void anExaminedBlobHoldsTheCompactForm() throws IOException {
        Path f = Files.write(tmp.resolve("blob"), new byte[3]);
        BlobStore.Examined e = new BlobStore.Examined(Files.readAttributes(f, BasicFileAttributes.class), null);
        assertSame(CompactAttributes.class, e.attributes().getClass());
        assertEquals(null, new BlobStore.Examined(null, null).attributes(), "nothing there stays nothing");
    }
}
