package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-archive corpus: each archive, built here, fails with its own message, leaves the layout's
 * {@code index.json} exactly as it was and creates no file outside the layout's {@code blobs/} and
 * {@code ingest/}.
 */
class HostileArchiveTest {
    static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";
    static final byte[] CONTENT = "content".getBytes(StandardCharsets.UTF_8);
    static final String HEX = Digest.sha256(CONTENT).encoded();

    Path fs;
    Layout dst;

    @BeforeEach
    void setUp() throws IOException {
        fs = TestFs.unixRoot();
        dst = Layout.create(fs.resolve("dst"), LayoutOptions.defaults().withFs(dev.ocilayout.io.Fs.nio()).withMaxManifestBytes(4096));
        LayoutBuilder b = new LayoutBuilder(dst);
        b.tag("existing", b.image("existing", "x"));
    }

    /** Imports {@code archive}, expecting {@code type} with {@code message} in its message and no side effect. */
    <T extends LayoutException> T refused(Class<T> type, String message, byte[] archive, ArchiveLimits limits)
            throws IOException {
        byte[] index = Files.readAllBytes(dst.root().resolve("index.json"));
        Set<String> outside = filesOutsideBlobs();
        T e = assertThrows(type, () -> LayoutImport.importArchive(dst, new ByteArrayInputStream(archive), "evil.tar",
                new LayoutImport.Options(List.of(), null, null, limits), null));
        assertTrue(e.getMessage().contains(message), "message: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("evil.tar") || e.getMessage().contains("evil.tar")
                || type == DigestMismatchException.class, "names the archive: " + e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
        assertArrayEquals(index, Files.readAllBytes(dst.root().resolve("index.json")), "index.json unchanged");
        assertEquals(outside, filesOutsideBlobs(), "no file created outside blobs/");
        return e;
    }

    <T extends LayoutException> T refused(Class<T> type, String message, byte[] archive) throws IOException {
        return refused(type, message, archive, ArchiveLimits.defaults());
    }

    /** Every path of the file system except the layout's blobs/ and ingest/. */
    Set<String> filesOutsideBlobs() throws IOException {
        try (Stream<Path> all = Files.walk(fs.getRoot())) {
            return all.map(Path::toString).filter(p -> !p.startsWith(dst.root().resolve("blobs").toString())
                    && !p.startsWith(dst.root().resolve("ingest").toString())).collect(Collectors.toSet());
        }
    }

    static TarBuilder oci() {
        return new TarBuilder().file("oci-layout", LAYOUT);
    }

    @Test
    void dotDotSegments() throws IOException {
        refused(InvalidContentException.class, "'..' segment", oci().file("../evil", "x").build());
        refused(InvalidContentException.class, "'..' segment", oci().file("blobs/../../evil", "x").build());
    }

    @Test
    void dotDotInALongPaxName() throws IOException {
        refused(InvalidContentException.class, "'..' segment", oci().file("a/".repeat(60) + "../".repeat(70) + "evil", "x").build());
    }

    @Test
    void absolutePaths() throws IOException {
        refused(InvalidContentException.class, "absolute path", oci().file("/etc/evil", "x").build());
    }

    @Test
    void anAbsolutePathInAPaxPathRecordIsRefusedAsTheArchiveStatesIt() throws IOException {
        // Commons Compress strips the leading '/' of a PAX path before the entry reaches us
        refused(InvalidContentException.class, "absolute path", oci()
                .raw("././@PaxHeader", (byte) 'x', TarBuilder.paxRecord("path", "/etc/evil"))
                .file("placeholder", "x").build());
    }

    @Test
    void aPaxPathOfSlashIndexJsonIsNotTakenAsIndexJson() throws IOException {
        String index = "{\"schemaVersion\":2,\"manifests\":[]}";
        refused(InvalidContentException.class, "absolute path", oci()
                .raw("././@PaxHeader", (byte) 'x', TarBuilder.paxRecord("path", "/index.json"))
                .file("x", index).build());
    }

    @Test
    void anAbsoluteLongNameWrittenAsPaxIsRefused() throws IOException {
        refused(InvalidContentException.class, "absolute path", oci().file("/etc/" + "e".repeat(120), "x").build());
    }

    @Test
    void anAbsoluteGnuLongNameIsRefused() throws IOException {
        refused(InvalidContentException.class, "absolute path",
                oci().gnuLongNames().file("/etc/" + "e".repeat(120), "x").build());
    }

    @Test
    void aDotDotGnuLongNameIsRefused() throws IOException {
        refused(InvalidContentException.class, "'..' segment",
                oci().gnuLongNames().file("a/".repeat(60) + "../".repeat(70) + "evil", "x").build());
    }

    @Test
    void aDuplicateBlobOfAnUnknownAlgorithmIsRefusedInOurWords() throws IOException {
        // the layout holds it, so the first entry is taken as present; the second cannot be compared with it
        Path md5 = Files.createDirectories(dst.root().resolve("blobs/md5")).resolve("abcdef");
        Files.write(md5, CONTENT);
        refused(InvalidContentException.class, "cannot be compared (md5 is not an algorithm",
                oci().file("blobs/md5/abcdef", CONTENT).file("blobs/md5/abcdef", CONTENT).build());
    }

    @Test
    void dockerManifestJsonKeysThatDifferOnlyInCaseAreRefused() throws IOException {
        // Go's encoding/json would read "config" as Config, the last one winning: docker and we would disagree
        refused(InvalidContentException.class, "field \"config\" differs from Config only in case",
                new TarBuilder().file("a.json", "{}").file("b.json", "{}").file("manifest.json",
                        "[{\"Config\":\"a.json\",\"config\":\"b.json\",\"Layers\":[]}]").build());
        refused(InvalidContentException.class, "field \"layers\" differs from Layers only in case",
                new TarBuilder().file("a.json", "{}").file("manifest.json",
                        "[{\"Config\":\"a.json\",\"Layers\":[],\"layers\":[\"x.tar\"]}]").build());
    }

    @Test
    void aDockerManifestJsonThatIsNotUtf8IsRefused() throws IOException {
        byte[] json = "[{\"Config\":\"a.json\",\"Layers\":[]}]".getBytes(StandardCharsets.UTF_16);
        refused(InvalidContentException.class, "JSON must be UTF-8",
                new TarBuilder().file("a.json", "{}").file("manifest.json", json).build());
    }

    @Test
    void symbolicLinks() throws IOException {
        refused(InvalidContentException.class, "is a symbolic link", oci().symlink("blobs/sha256/" + HEX, "/etc/passwd").build());
        refused(InvalidContentException.class, "outside the archive", new TarBuilder().symlink("x/layer.tar", "../../etc/passwd").build());
        refused(InvalidContentException.class, "outside the archive", new TarBuilder().symlink("x/layer.tar", "/etc/passwd").build());
    }

    @Test
    void hardLinks() throws IOException {
        refused(InvalidContentException.class, "hard link", oci().hardlink("blobs/sha256/" + HEX, "/etc/passwd").build());
    }

    @Test
    void deviceFilesAndFifos() throws IOException {
        refused(InvalidContentException.class, "device file or FIFO", oci().special("blobs/sha256/" + HEX, TarArchiveEntry.LF_CHR).build());
        refused(InvalidContentException.class, "device file or FIFO", oci().special("dev", TarArchiveEntry.LF_BLK).build());
        refused(InvalidContentException.class, "device file or FIFO", oci().special("fifo", TarArchiveEntry.LF_FIFO).build());
    }

    @Test
    void duplicateEntriesWithDifferentContent() throws IOException {
        refused(InvalidContentException.class, "appears twice", oci().file("index.json", "{}").file("index.json", "{ }").build());
        refused(InvalidContentException.class, "appears twice",
                oci().blob(CONTENT).file("blobs/sha256/" + HEX, "other!!").build());
    }

    @Test
    void duplicateEntriesWithTheSameContentAreAccepted() throws IOException {
        byte[] index = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
        // accepted by the reader, then refused as holding no image: the duplicate itself is fine
        refused(InvalidContentException.class, "holds no image",
                oci().blob(CONTENT).blob(CONTENT).file("index.json", index).file("index.json", index).build());
    }

    @Test
    void namesUnderBlobsThatAreNotDigestPaths() throws IOException {
        refused(InvalidContentException.class, "not blobs/<algorithm>/<encoded digest>", oci().file("blobs/sha256/nothex", "x").build());
        refused(InvalidContentException.class, "not blobs/<algorithm>/<encoded digest>",
                oci().file("blobs/sha256/" + HEX + "/x", "x").build());
        refused(InvalidContentException.class, "not blobs/<algorithm>/<encoded digest>", oci().file("blobs/" + HEX, "x").build());
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsName() throws IOException {
        refused(DigestMismatchException.class, HEX, oci().file("blobs/sha256/" + HEX, "tampered").build());
    }

    @Test
    void oversizedMetadata() throws IOException {
        refused(InvalidContentException.class, "over the limit of 4096 bytes",
                new TarBuilder().file("config.json", "{" + " ".repeat(5000) + "}").build());
        refused(InvalidContentException.class, "over the limit of 1048576 bytes",
                new TarBuilder().file("manifest.json", "[" + " ".repeat(1 << 20) + "]").build());
        refused(InvalidContentException.class, "over the limit of 100 bytes",
                new TarBuilder().file("manifest.json", "[" + " ".repeat(200) + "]").build(), new ArchiveLimits(0, 0, 100));
    }

    @Test
    void truncatedStreams() throws IOException {
        byte[] whole = oci().file("blobs/sha256/" + HEX, CONTENT).file("big", new byte[100_000]).file("index.json", "{}").build();
        refused(InvalidContentException.class, "truncated or corrupt", Arrays.copyOf(whole, 50_000));
        byte[] gz = TarBuilder.gzip(whole);
        refused(InvalidContentException.class, "truncated or corrupt", Arrays.copyOf(gz, gz.length / 2));
        byte[] zst = TarBuilder.zstd(whole);
        refused(InvalidContentException.class, "truncated or corrupt", Arrays.copyOf(zst, zst.length - 8));
    }

    @Test
    void decompressionBombs() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry e = new TarArchiveEntry("zeros.tar");
            long size = ArchiveLimits.RATIO_GRACE_BYTES + (8 << 20);
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n < size; n += zeros.length) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }
        refused(InvalidContentException.class, "decompression bomb", out.toByteArray());
    }

    @Test
    void archivesOverTheSizeLimit() throws IOException {
        byte[] tar = oci().file("big", new byte[100_000]).build();
        refused(InvalidContentException.class, "expands past the limit of 50000 bytes", tar, new ArchiveLimits(50_000, 0));
    }

    @Test
    void inputThatIsNotATar() throws IOException {
        byte[] junk = new byte[4096];
        new java.util.Random(1).nextBytes(junk);
        junk[0] = 'x';
        refused(InvalidContentException.class, "evil.tar", junk);
        refused(InvalidContentException.class, "empty or not a tar archive", new byte[0]);
        refused(UnsupportedException.class, "bzip2", "BZh91AY&SY".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void tarsThatAreNeitherFormat() throws IOException {
        refused(InvalidContentException.class, "neither an OCI layout tar nor a docker-archive", oci().blob(CONTENT).build());
    }

    @Test
    void invalidMetadata() throws IOException {
        refused(InvalidContentException.class, "index.json", oci().file("index.json", "{not json").build());
        refused(InvalidLayoutException.class, "unsupported imageLayoutVersion",
                new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"9\"}").file("index.json", "{\"schemaVersion\":2,\"manifests\":[]}").build());
        refused(InvalidContentException.class, "manifest.json is not a non-empty JSON array", new TarBuilder().file("manifest.json", "{}").build());
    }

    @Test
    void archivesMissingWhatTheirIndexNeeds() throws IOException {
        String index = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":10,\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}";
        refused(NotFoundException.class, "is incomplete", oci().file("index.json", index).build());
        refused(NotFoundException.class, "names layer \"gone.tar\"",
                new TarBuilder().file("c.json", "{}").file("manifest.json", "[{\"Config\":\"c.json\",\"Layers\":[\"gone.tar\"]}]").build());
    }

    @Test
    void deltaArchivesWhoseBaseIsMissing() throws IOException {
        byte[] tar = oci().file(LayoutExport.EXPECTED_BLOBS, "sha256:" + "b".repeat(64) + " 10\n").blob(CONTENT).build();
        refused(NotFoundException.class, "delta archive expects 1 blobs", tar);
        assertTrue(!dst.blobs().exists(Digest.sha256(CONTENT)), "fails before streaming the blobs after the list");
    }

    @Test
    void nothingIsEverWrittenThroughAnArchiveName() throws IOException {
        // the reader never maps entry names to paths: even an accepted archive creates nothing but blobs
        byte[] tar = oci().file("notes/readme.txt", "hello").file("index.json", "{\"schemaVersion\":2,\"manifests\":[]}").build();
        refused(InvalidContentException.class, "holds no image", tar);
    }

    static final String EMPTY_INDEX = "{\"schemaVersion\":2,\"manifests\":[]}";

    @Test
    void dotSlashNamesAreTheSameEntry() throws IOException {
        refused(InvalidContentException.class, "appears twice",
                oci().file("./index.json", EMPTY_INDEX).file("index.json", "{\"schemaVersion\":2,\"manifests\":[ ]}").build());
    }

    @Test
    void indexJsonAsASymbolicLink() throws IOException {
        refused(InvalidContentException.class, "is a symbolic link", oci().symlink("index.json", "/etc/passwd").build());
    }

    @Test
    void layerSymlinkLoopsAndChainsOut() throws IOException {
        refused(NotFoundException.class, "which is not in the archive", new TarBuilder().symlink("a/layer.tar", "../a/layer.tar")
                .file("c.json", "{}").file("manifest.json", "[{\"Config\":\"c.json\",\"Layers\":[\"a/layer.tar\"]}]").build());
        refused(InvalidContentException.class, "outside the archive", new TarBuilder().symlink("b/layer.tar", "../../../x.tar").build());
    }

    @Test
    void aBadHeaderChecksum() throws IOException {
        byte[] tar = oci().file("index.json", EMPTY_INDEX).build();
        tar[1024 + 10] ^= 0x55; // the second header's name field (after oci-layout's header and data): checksum now wrong
        // Commons Compress takes a header with a bad checksum for the end of the archive: refused for what is missing
        refused(InvalidContentException.class, "neither an OCI layout tar nor a docker-archive", tar);
    }

    @Test
    void dockerManifestsThatPointOutsideOrNameBadTags() throws IOException {
        refused(NotFoundException.class, "names config \"../x.json\", which is not in the archive",
                new TarBuilder().file("manifest.json", "[{\"Config\":\"../x.json\",\"Layers\":[]}]").build());
        refused(InvalidContentException.class, "has no valid tag", new TarBuilder().file("c.json", "{}")
                .file("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"box:bad tag!\"],\"Layers\":[]}]").build());
        refused(InvalidContentException.class, "is not a non-empty JSON array", new TarBuilder().file("manifest.json", "null").build());
    }

    @Test
    void aHugePaxMtimeIsNoDenialOfService() throws IOException {
        String record = "mtime=1e999999999\n";
        String pax = (record.length() + 3) + " " + record;
        byte[] tar = new TarBuilder().raw("././@PaxHeader", (byte) 'x', pax.getBytes(StandardCharsets.UTF_8))
                .file("oci-layout", LAYOUT).build();
        long start = System.nanoTime();
        refused(InvalidContentException.class, "truncated or corrupt", tar);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused quickly");
    }

    @Test
    void oddButValidArchivesImport() throws IOException {
        byte[] layer = new TarBuilder().file("hello", "hi").build();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        String manifest = "[{\"Config\":\"c.json\",\"RepoTags\":[\"odd:v1\"],\"Layers\":[\"l.tar\"]}]";
        // metadata before the blobs, trailing garbage after the end-of-archive blocks, two gzip members
        byte[] tar = new TarBuilder().file("manifest.json", manifest).file("c.json", config).file("l.tar", layer).build();
        byte[] withGarbage = java.util.Arrays.copyOf(tar, tar.length + 100);
        java.util.Arrays.fill(withGarbage, tar.length, withGarbage.length, (byte) 'g');
        byte[] half1 = TarBuilder.gzip(java.util.Arrays.copyOf(withGarbage, 1024));
        byte[] half2 = TarBuilder.gzip(java.util.Arrays.copyOfRange(withGarbage, 1024, withGarbage.length));
        byte[] twoMembers = java.util.Arrays.copyOf(half1, half1.length + half2.length);
        System.arraycopy(half2, 0, twoMembers, half1.length, half2.length);
        LayoutImport.Report r = LayoutImport.importArchive(dst, new ByteArrayInputStream(twoMembers), "odd.tar.gz",
                LayoutImport.Options.defaults(), null);
        assertEquals("docker-archive", r.format());
        assertEquals(Digest.sha256(layer), ((dev.ocilayout.model.ImageManifest) dst.readManifest(dst.resolveTag("v1")))
                .layers().get(0).digest());
    }
}
