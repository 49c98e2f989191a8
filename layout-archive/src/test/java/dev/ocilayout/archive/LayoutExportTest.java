package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutExportTest {
    static final LayoutExport.Options PLAIN = new LayoutExport.Options(false, List.of(), Compression.NONE);

    Layout layout;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.open(TestData.copy("referrers/oras", TestFs.unixRoot().resolve("oras")));
    }

    byte[] export(LayoutExport.Options options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(layout, List.of(new LayoutExport.Root(layout.resolveTag("v1"), "v1")), out, options, null);
        return out.toByteArray();
    }

    static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
        List<TarArchiveEntry> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                list.add(e);
            }
        }
        return list;
    }

    @Test
    void theSameInputGivesTheSameBytes() throws IOException {
        assertArrayEquals(export(PLAIN), export(PLAIN));
    }

    @Test
    void membersAreRegularFilesInAFixedOrderWithFixedAttributes() throws IOException {
        List<TarArchiveEntry> entries = entries(export(PLAIN));
        assertEquals("oci-layout", entries.get(0).getName());
        assertEquals("index.json", entries.get(entries.size() - 1).getName());
        List<String> blobs = entries.subList(1, entries.size() - 1).stream().map(TarArchiveEntry::getName).toList();
        assertEquals(blobs.stream().sorted().toList(), blobs);
        assertEquals(3, blobs.size(), "the image's closure only, no referrers unless asked");
        for (TarArchiveEntry e : entries) {
            assertTrue(e.isFile() && e.getLinkFlag() == TarArchiveEntry.LF_NORMAL, e.getName());
            assertEquals(0644, e.getMode() & 07777, e.getName());
            assertEquals(0, e.getModTime().getTime());
            assertEquals(0, e.getLongUserId());
            assertEquals("", e.getUserName());
        }
    }

    @Test
    void referrersAreIncludedAndRecordedOnRequest() throws IOException {
        byte[] tar = export(new LayoutExport.Options(true, List.of(), Compression.NONE));
        List<TarArchiveEntry> entries = entries(tar);
        assertEquals(10, entries.size() - 2);
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals("index.json")) {
                    ImageIndex index = ModelJson.parseIndex(in.readAllBytes(), "index.json");
                    assertEquals(4, index.manifests().size(), "the image and three referrer entries");
                }
            }
        }
    }

    @Test
    void gzipWrapsTheSameTar() throws IOException {
        byte[] gz = export(new LayoutExport.Options(false, List.of(), Compression.GZIP));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertArrayEquals(export(PLAIN), in.readAllBytes());
        }
        assertArrayEquals(gz, export(new LayoutExport.Options(false, List.of(), Compression.GZIP)));
    }

    @Test
    void aCorruptBlobFailsTheExport() throws IOException {
        var m = (dev.ocilayout.model.ImageManifest) layout.readManifest(layout.resolveTag("v1"));
        Files.writeString(layout.blobs().path(m.layers().get(0).digest()), "tampered!!!!");
        assertThrows(IntegrityException.class, () -> export(PLAIN));
    }

    @Test
    void theWholeLayoutKeepsEveryEntryAsItIs() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.Report r = LayoutExport.exportAll(layout, out, PLAIN, null);
        assertEquals(layout.index().read(), r.index());
    }

    /** A layout on the real file system with one image of a 3 MiB layer (over the kernel-copy threshold). */
    static Layout bigLayerLayout(Path dir) throws IOException {
        Layout l = Layout.create(dir);
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        var b = new dev.ocilayout.testing.LayoutBuilder(l);
        var layer = l.blobs().put(big, dev.ocilayout.model.MediaType.OCI_LAYER);
        var config = b.blob("{}", dev.ocilayout.model.MediaType.OCI_CONFIG);
        b.tag("v1", b.manifest(config, null, null, layer));
        return l;
    }

    static byte[] exportToFile(Layout l, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            LayoutExport.export(l, List.of(new LayoutExport.Root(l.resolveTag("v1"), "v1")), LayoutExport.Sink.of(ch), PLAIN, null);
        }
        return Files.readAllBytes(file);
    }

    @Test
    void aFileGetsTheSameBytesAsAStreamWithBlobsCopiedByTheKernel(@TempDir Path tmp) throws IOException {
        Layout l = bigLayerLayout(tmp.resolve("layout"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(l, List.of(new LayoutExport.Root(l.resolveTag("v1"), "v1")), out, PLAIN, null);
        assertArrayEquals(out.toByteArray(), exportToFile(l, tmp.resolve("a.tar")));
        assertEquals(0, out.size() % 10240, "padded to whole tar blocks");
    }

    @Test
    void aCorruptBigBlobFailsTheKernelCopiedExport(@TempDir Path tmp) throws IOException {
        Layout l = bigLayerLayout(tmp.resolve("layout"));
        var m = (dev.ocilayout.model.ImageManifest) l.readManifest(l.resolveTag("v1"));
        Path layer = l.blobs().path(m.layers().get(0).digest());
        byte[] bytes = Files.readAllBytes(layer);
        bytes[1 << 20] ^= 1;
        Files.write(layer, bytes);
        assertThrows(IntegrityException.class, () -> exportToFile(l, tmp.resolve("a.tar")));
    }

    @Test
    void namesTooLongForUstarGetPaxHeaders() throws IOException {
        Layout l = Layout.create(TestFs.unixRoot().resolve("sha512"));
        byte[] content = "sha512 content".getBytes();
        var d = dev.ocilayout.model.Descriptor.of("text/plain",
                dev.ocilayout.digest.Digest.of(dev.ocilayout.digest.DigestAlgorithm.SHA512,
                        dev.ocilayout.digest.DigestAlgorithm.SHA512.newMessageDigest().digest(content)), content.length);
        l.blobs().put(new ByteArrayInputStream(content), d, null);
        var b = new dev.ocilayout.testing.LayoutBuilder(l);
        b.tag("v1", b.manifest(b.blob("{}", dev.ocilayout.model.MediaType.OCI_EMPTY), null, "text/plain", d));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayoutExport.export(l, List.of(new LayoutExport.Root(l.resolveTag("v1"), "v1")), out, PLAIN, null);
        String name = "blobs/sha512/" + d.digest().encoded();
        assertTrue(name.length() > 100);
        assertTrue(entries(out.toByteArray()).stream().anyMatch(e -> e.getName().equals(name)));
        Layout back = Layout.create(TestFs.unixRoot().resolve("back"));
        LayoutImport.importArchive(back, new ByteArrayInputStream(out.toByteArray()), "t", LayoutImport.Options.defaults(), null);
        assertTrue(back.blobs().exists(d.digest()));
    }
}
