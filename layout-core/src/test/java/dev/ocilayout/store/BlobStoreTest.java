package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.SizeMismatchException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.testing.FaultFs;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobStoreTest {
    static final byte[] HELLO = "hello world".getBytes(StandardCharsets.UTF_8);
    static final Digest HELLO_DIGEST =
            Digest.parse("sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");

    Layout layout;
    BlobStore blobs;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot());
        blobs = layout.blobs();
    }

    long ingestEntries() throws IOException {
        try (Stream<Path> s = Files.list(layout.files().ingest())) {
            return s.count();
        }
    }

    @Test
    void putHashesWhileWritingAndPublishesUnderTheDigest() throws IOException {
        AtomicLong progress = new AtomicLong();
        Descriptor d = blobs.put(new ByteArrayInputStream(HELLO), "text/plain", progress::addAndGet);
        assertEquals(HELLO_DIGEST, d.digest());
        assertEquals(HELLO.length, d.size());
        assertEquals(HELLO.length, progress.get());
        assertArrayEquals(HELLO, Files.readAllBytes(layout.files().blob(HELLO_DIGEST)));
        assertEquals(0, ingestEntries());
    }

    @Test
    void putWithSha512StoresUnderItsOwnAlgorithmDirectory() throws IOException {
        Descriptor d = blobs.put(new ByteArrayInputStream(HELLO), DigestAlgorithm.SHA512, "text/plain", null);
        assertEquals("sha512", d.digest().algorithm());
        assertTrue(Files.isRegularFile(layout.root().resolve("blobs/sha512/" + d.digest().encoded())));
    }

    @Test
    void anEmptyBlobHasTheWellKnownDigest() throws IOException {
        Descriptor d = blobs.put(new ByteArrayInputStream(new byte[0]), "a/b", null);
        assertEquals(Digest.EMPTY_BLOB, d.digest());
        assertEquals(0, blobs.size(Digest.EMPTY_BLOB));
    }

    @Test
    void aShorterStreamThanExpectedPublishesNothing() throws IOException {
        Descriptor expected = Descriptor.of("text/plain", HELLO_DIGEST, HELLO.length + 1);
        SizeMismatchException e = assertThrows(SizeMismatchException.class,
                () -> blobs.put(new ByteArrayInputStream(HELLO), expected, null));
        assertEquals(HELLO.length, e.actual());
        assertFalse(blobs.exists(HELLO_DIGEST));
        assertEquals(0, ingestEntries());
    }

    @Test
    void aLongerStreamThanExpectedStopsAtTheFirstExtraByte() throws IOException {
        Descriptor expected = Descriptor.of("text/plain", HELLO_DIGEST, 4);
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, 3);
                read.addAndGet(n);
                return n;
            }
        };
        SizeMismatchException e = assertThrows(SizeMismatchException.class, () -> blobs.put(endless, expected, null));
        assertEquals(-1, e.actual());
        assertTrue(read.get() <= 6, "read " + read.get() + " bytes of an endless stream");
        assertEquals(0, ingestEntries());
    }

    @Test
    void aDigestMismatchPublishesNothing() throws IOException {
        Digest wrong = Digest.parse("sha256:" + "0".repeat(64));
        Descriptor expected = Descriptor.of("text/plain", wrong, HELLO.length);
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> blobs.put(new ByteArrayInputStream(HELLO), expected, null));
        assertEquals(HELLO_DIGEST, e.actual());
        assertFalse(blobs.exists(wrong));
        assertFalse(blobs.exists(HELLO_DIGEST));
        assertEquals(0, ingestEntries());
    }

    @Test
    void anInterruptedStreamLeavesNoBlobAndNoTempFile() throws IOException {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100) {
                    throw new IOException("connection reset");
                }
                return 1;
            }
        };
        IOException e = assertThrows(IOException.class, () -> blobs.put(failing, "a/b", null));
        assertEquals("connection reset", e.getMessage());
        assertEquals(0, ingestEntries());
        try (Stream<Path> s = Files.list(layout.files().blobs())) {
            assertTrue(s.allMatch(dir -> {
                try (Stream<Path> inner = Files.list(dir)) {
                    return inner.findAny().isEmpty();
                } catch (IOException x) {
                    throw new RuntimeException(x);
                }
            }));
        }
    }

    @Test
    void reIngestingAnExistingBlobIsANoOpThatDoesNotReadTheStream() throws IOException {
        Descriptor d = blobs.put(new ByteArrayInputStream(HELLO), "text/plain", null);
        Path p = layout.files().blob(d.digest());
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        InputStream mustNotBeRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the stream was read");
            }
        };
        assertEquals(d, blobs.put(mustNotBeRead, d, null));
        assertTrue(Files.getLastModifiedTime(p).toInstant().isAfter(Instant.parse("2025-01-01T00:00:00Z")),
                "mtime refreshed so gc's grace period covers the blob again");
    }

    @Test
    void aWrongSizedFileAtTheBlobPathIsReplacedNotTrusted() throws IOException {
        Path p = layout.files().blob(HELLO_DIGEST);
        Files.createDirectories(p.getParent());
        Files.write(p, "short".getBytes(StandardCharsets.UTF_8));
        blobs.put(new ByteArrayInputStream(HELLO), Descriptor.of("text/plain", HELLO_DIGEST, HELLO.length), null);
        assertArrayEquals(HELLO, Files.readAllBytes(p));
    }

    @Test
    void aSymlinkAtTheBlobPathIsNeverFollowed() throws IOException {
        Path outside = layout.root().resolveSibling("secret");
        Files.write(outside, HELLO);
        Path p = layout.files().blob(HELLO_DIGEST);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, outside);
        assertFalse(blobs.exists(HELLO_DIGEST));
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> blobs.open(HELLO_DIGEST));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    }

    @Test
    void aSymlinkedAlgorithmDirectoryIsRefused() throws IOException {
        Path elsewhere = layout.root().resolveSibling("elsewhere");
        Files.createDirectories(elsewhere);
        Files.createSymbolicLink(layout.files().algorithmDir("sha512"), elsewhere);
        assertThrows(InvalidLayoutException.class,
                () -> blobs.put(new ByteArrayInputStream(HELLO), DigestAlgorithm.SHA512, "a/b", null));
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void writingWithAnUnimplementedAlgorithmIsUnsupported() {
        Descriptor blake3 = Descriptor.of("a/b", Digest.parse("blake3:" + "a".repeat(64)), 1);
        UnsupportedException e = assertThrows(UnsupportedException.class,
                () -> blobs.put(new ByteArrayInputStream(HELLO), blake3, null));
        assertTrue(e.getMessage().contains("blake3"));
    }

    @Test
    void verifiedReadsFailAtTheEndWhenContentWasTamperedWith() throws IOException {
        Descriptor d = blobs.put(new ByteArrayInputStream(HELLO), "text/plain", null);
        Files.write(layout.files().blob(d.digest()), "hello World".getBytes(StandardCharsets.UTF_8));
        try (InputStream in = blobs.openVerified(d)) {
            assertThrows(DigestMismatchException.class, in::readAllBytes);
        }
    }

    @Test
    void boundedReadsCheckTheDeclaredSizeBeforeReading() throws IOException {
        Descriptor d = blobs.put(new ByteArrayInputStream(HELLO), "text/plain", null);
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> blobs.read(d, 5));
        assertTrue(e.getMessage().contains("over the limit"));
        assertArrayEquals(HELLO, blobs.read(d, 100));
    }

    /** Keeps the bytes of blobs that start with a brace. */
    static final BlobStore.ContentTest BRACED = new BlobStore.ContentTest() {
        @Override
        public boolean mayPass(byte[] head, int length) {
            return length > 0 && head[0] == '{';
        }

        @Override
        public boolean test(byte[] content) {
            return true;
        }
    };

    @Test
    void examineReadsOnlyTheHeadOfABlobItsTestRefusesThere() throws IOException {
        byte[] layer = new byte[1 << 20];
        layer[0] = 0x1f; // gzip's magic: no manifest starts so
        layer[1] = (byte) 0x8b;
        byte[] json = ("{\"x\":\"" + "y".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        Descriptor l = blobs.put(new ByteArrayInputStream(layer), "application/gzip", null);
        Descriptor j = blobs.put(new ByteArrayInputStream(json), "application/json", null);
        FaultFs counting = new FaultFs(layout.root());
        BlobStore store = Layout.open(layout.root(), LayoutOptions.defaults().withFs(counting)).blobs();

        List<BlobStore.Examined> seen = store.examine(List.of(l.digest(), j.digest()), 2, 4 << 20, BRACED);

        assertNull(seen.get(0).content());
        assertEquals(layer.length, seen.get(0).attributes().size());
        assertArrayEquals(json, seen.get(1).content());
        assertEquals(BlobStore.EXAMINE_HEAD_BYTES + json.length, counting.directoryReadBytes(),
                "4 KiB of the layer, all of the JSON");
    }

    @Test
    void missingBlobsAreNotFound() {
        assertThrows(NotFoundException.class, () -> blobs.open(HELLO_DIGEST));
        assertThrows(NotFoundException.class, () -> blobs.size(HELLO_DIGEST));
    }

    @Test
    void anIngestCanBeWrittenInChunksAndAbortedByClosing() throws IOException {
        try (Ingest ingest = blobs.newIngest(DigestAlgorithm.SHA256, "a/b")) {
            ingest.write(ByteBuffer.wrap(HELLO, 0, 5));
            ingest.write(ByteBuffer.wrap(HELLO, 5, HELLO.length - 5));
            assertEquals(HELLO.length, ingest.count());
            assertEquals(1, ingestEntries());
        }
        assertEquals(0, ingestEntries());
        assertFalse(blobs.exists(HELLO_DIGEST));
        try (Ingest ingest = blobs.newIngest(DigestAlgorithm.SHA256, "a/b")) {
            ingest.write(ByteBuffer.wrap(HELLO));
            assertEquals(HELLO_DIGEST, ingest.commit().digest());
        }
        assertTrue(blobs.exists(HELLO_DIGEST));
    }

    @Test
    void staleTempFilesOfThisToolAreRemovedOthersAreLeftAlone() throws IOException {
        Path ingestDir = layout.files().ingest();
        Path stale = ingestDir.resolve("ocil-old.tmp");
        Path fresh = ingestDir.resolve("ocil-new.tmp");
        Path foreign = ingestDir.resolve("b94d27b9934d_12345"); // oras-go's naming
        for (Path p : new Path[] {stale, fresh, foreign}) {
            Files.write(p, HELLO);
        }
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(foreign, old);
        assertEquals(1, blobs.removeStaleTemps(Duration.ofHours(1)));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(foreign));
    }
}
