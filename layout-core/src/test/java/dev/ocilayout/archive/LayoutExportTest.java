package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.IntegrityException;
import dev.ocilayout.Layout;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
}
