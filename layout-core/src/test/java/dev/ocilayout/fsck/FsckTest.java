package dev.ocilayout.fsck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding.Severity;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FsckTest {
    Layout layout;
    LayoutBuilder b;
    Descriptor image;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot().resolve("layout"));
        b = new LayoutBuilder(layout);
        image = b.image("img", "layer one", "layer two");
        b.tag("v1", image);
    }

    Fsck.Report fsck() throws IOException {
        return Fsck.check(layout, 2, null);
    }

    static List<String> codes(Fsck.Report r, Severity s) {
        return r.findings().stream().filter(f -> f.severity() == s).map(Finding::code).toList();
    }

    ImageManifest manifest() throws IOException {
        return (ImageManifest) layout.readManifest(image);
    }

    @Test
    void aHealthyLayoutIsClean() throws IOException {
        Fsck.Report r = fsck();
        assertTrue(r.clean(), r.findings().toString());
        assertEquals(List.of(), r.findings());
        assertEquals(1, r.manifests());
        assertEquals(4, r.blobsVerified());
    }

    @Test
    void theProgressListenerHearsTheTotalBeforeTheBytesHashed() throws IOException {
        long[] planned = {-1};
        long[] hashed = {0};
        dev.ocilayout.io.ProgressListener listener = new dev.ocilayout.io.ProgressListener() {
            @Override
            public void planned(long bytes) {
                planned[0] = bytes;
            }

            @Override
            public synchronized void accept(long bytes) {
                assertTrue(planned[0] >= 0, "the total comes first");
                hashed[0] += bytes;
            }
        };
        Fsck.Report r = Fsck.check(layout, 2, listener);
        assertEquals(r.bytesVerified(), planned[0]);
        assertEquals(r.bytesVerified(), hashed[0]);
    }

    @Test
    void aFlippedByteInALayerIsFoundWithItsDigest() throws IOException {
        Digest layer = manifest().layers().get(1).digest();
        Path p = layout.blobs().path(layer);
        byte[] bytes = Files.readAllBytes(p);
        bytes[0] ^= 0x20;
        Files.write(p, bytes);
        Fsck.Report r = fsck();
        assertEquals(List.of("DIGEST_MISMATCH"), codes(r, Severity.ERROR));
        assertEquals(layer, r.findings().get(0).digest());
    }

    @Test
    void aDeletedConfigIsMissingWithThePathToIt() throws IOException {
        Digest config = manifest().config().digest();
        Files.delete(layout.blobs().path(config));
        Fsck.Report r = fsck();
        Finding f = r.findings().get(0);
        assertEquals("MISSING_BLOB", f.code());
        assertEquals(List.of(image.digest(), config), f.via());
        assertTrue(!r.clean());
    }

    @Test
    void aTruncatedManifestIsReported() throws IOException {
        Path p = layout.blobs().path(image.digest());
        byte[] bytes = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        List<String> errors = codes(fsck(), Severity.ERROR);
        assertTrue(errors.contains("SIZE_MISMATCH"), errors.toString());
    }

    @Test
    void aManifestWithoutConfigIsInvalidPerSpec() throws IOException {
        Descriptor layer = b.blob("x", "a/b");
        Descriptor noConfig = b.blob("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"layers\":["
                + new String(dev.ocilayout.model.ModelJson.toBytes(layer), StandardCharsets.UTF_8) + "]}", MediaType.OCI_MANIFEST);
        b.tag("no-config", noConfig);
        Fsck.Report r = fsck();
        assertEquals(List.of("MANIFEST_NO_CONFIG"), codes(r, Severity.ERROR));
        assertTrue(r.findings().get(0).message().contains("empty descriptor"));
    }

    @Test
    void anAmbiguousManifestIsAnError() throws IOException {
        Descriptor ambiguous = b.blob("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", MediaType.OCI_INDEX);
        b.tag("evil", ambiguous);
        Fsck.Report r = fsck();
        assertEquals(List.of("UNPARSABLE_MANIFEST"), codes(r, Severity.ERROR));
        assertTrue(r.findings().get(0).message().contains("CVE-2021-41190"));
    }

    @Test
    void orphansAreNotesNotErrors() throws IOException {
        b.blob("orphan", "a/b");
        Fsck.Report r = fsck();
        assertTrue(r.clean());
        assertEquals(List.of("ORPHAN"), codes(r, Severity.INFO));
        assertEquals(1, r.orphans());
    }

    @Test
    void aCorruptOrphanIsStillAnError() throws IOException {
        Descriptor orphan = b.blob("orphan", "a/b");
        Files.writeString(layout.blobs().path(orphan.digest()), "ORPHAN");
        assertEquals(List.of("DIGEST_MISMATCH"), codes(fsck(), Severity.ERROR));
    }

    @Test
    void leftoversStraysAndUnknownFilesAreReported() throws IOException {
        Path crashed = Files.writeString(layout.files().ingest().resolve("ocil-crashed.tmp"), "partial");
        Files.setLastModifiedTime(crashed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        Files.writeString(layout.files().ingest().resolve("abc_123"), "oras-go temp");
        Files.writeString(layout.root().resolve("manifest.json"), "[]");
        Files.writeString(layout.files().blobs().resolve("sha256/xyz.tmp"), "regclient temp");
        Path outside = Files.writeString(layout.root().resolveSibling("outside"), "secret");
        Files.createSymbolicLink(layout.files().blobs().resolve("sha256/" + "d".repeat(64)), outside);
        Fsck.Report r = fsck();
        assertEquals(List.of("NOT_A_REGULAR_FILE"), codes(r, Severity.ERROR));
        assertEquals(List.of("STRAY_IN_BLOBS", "TEMP_LEFTOVER"), codes(r, Severity.WARNING));
        assertEquals(List.of("FOREIGN_TEMP", "NON_SPEC_FILE"), codes(r, Severity.INFO));
    }

    @Test
    void tagsOutsideTheGrammarAndAmbiguousTagsAreFound() throws IOException {
        Descriptor other = b.image("other", "x");
        Files.writeString(layout.files().indexJson(), "{\"schemaVersion\":2,\"manifests\":["
                + entry(image, "bad tag!") + "," + entry(image, "dup") + "," + entry(other, "dup") + "]}");
        Fsck.Report r = fsck();
        assertEquals(List.of("TAG_AMBIGUOUS"), codes(r, Severity.ERROR));
        assertEquals(List.of("TAG_GRAMMAR"), codes(r, Severity.WARNING));
    }

    @Test
    void embeddedDataThatDoesNotMatchIsAnError() throws IOException {
        Descriptor lying = Descriptor.of(MediaType.OCI_EMPTY, Digest.EMPTY_JSON, 2).withData("[]".getBytes(StandardCharsets.UTF_8));
        b.tag("lying", b.manifest(lying, null, "a/b", b.blob("x", "a/b")));
        assertTrue(codes(fsck(), Severity.ERROR).contains("DATA_MISMATCH"));
    }

    static String entry(Descriptor d, String tag) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}";
    }
}
