package dev.ocilayout.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveLimits;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Jazzer targets of the archive reader. Under {@code mvn verify} each replays its seeds (in
 * {@code src/test/resources/dev/ocilayout/fuzz/ArchiveFuzzTargetsInputs/<target>/}) as a regression test; to
 * fuzz one, see {@code bench/fuzz}. The property every target checks: any input ends in a value or in one of
 * this library's documented exceptions, never another exception, a hang or a write outside the layout.
 */
class ArchiveFuzzTargets {
    @FuzzTest(maxDuration = "5m")
    void archiveImport(byte[] input) throws IOException {
        importAndCheck(input);
    }

    /**
     * A docker-archive built around real config and layer bytes, with entry names, links, {@code manifest.json}
     * and (sometimes) an {@code index.json} from the fuzzer, so that its time goes into what a docker-archive
     * adds: resolving manifest.json's paths through links, tags, and the cross-check of dual archives.
     */
    @FuzzTest(maxDuration = "5m")
    void dockerArchiveImport(FuzzedDataProvider data) throws IOException {
        byte[] layer = new TarBuilder().file("hello", "hi").build();
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] tar;
        try {
            TarBuilder b = new TarBuilder();
            for (int i = data.consumeInt(0, 6); i > 0; i--) {
                String name = data.consumeString(48);
                switch (data.consumeInt(0, 4)) {
                    case 0 -> b.file(name, layer);
                    case 1 -> b.file(name, config);
                    case 2 -> b.symlink(name, data.consumeString(48));
                    case 3 -> b.hardlink(name, data.consumeString(48));
                    default -> b.file(name, data.consumeBytes(64));
                }
            }
            if (data.consumeBoolean()) {
                b.file("index.json", data.consumeString(512));
            }
            tar = b.file("manifest.json", data.consumeRemainingAsString()).build();
        } catch (RuntimeException unwritable) {
            return; // a name the tar writer cannot encode: not an archive anyone could hand us
        }
        importAndCheck(tar);
    }

    /**
     * Tar streams with the extensions whose names Commons Compress normalises: PAX {@code path} records
     * (extended and global), PAX {@code size} overrides, GNU long names ({@code ././@LongLink}, type L), with
     * names from the fuzzer. Beyond the common property: whenever a name as the archive states it is absolute
     * or has a {@code ..} segment, the import is refused.
     */
    @FuzzTest(maxDuration = "5m")
    void rawTarHeaders(FuzzedDataProvider data) throws IOException {
        boolean hostile = false;
        byte[] tar;
        try {
            TarBuilder b = new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
            for (int i = data.consumeInt(1, 5); i > 0; i--) {
                String name = data.consumeString(160);
                hostile |= unsafe(name);
                byte[] content = data.consumeBytes(32);
                switch (data.consumeInt(0, 4)) {
                    case 0 -> b.file(name, content);
                    case 1 -> b.raw("././@PaxHeader", (byte) 'x', TarBuilder.paxRecord("path", name))
                            .file(data.consumeBoolean() ? "placeholder" : "index.json", content);
                    case 2 -> b.raw("././@LongLink", (byte) 'L', (name + "\0").getBytes(StandardCharsets.UTF_8))
                            .file("short", content);
                    case 3 -> b.raw("pax_global_header", (byte) 'g', TarBuilder.paxRecord("path", name))
                            .file("after-global", content);
                    default -> b.raw("././@PaxHeader", (byte) 'x', data.consumeBytes(96)).file("after-any-pax", content);
                }
            }
            tar = b.build();
        } catch (RuntimeException unwritable) {
            return; // a name the tar writer cannot encode
        }
        boolean refused = importAndCheck(tar);
        if (hostile) {
            org.junit.jupiter.api.Assertions.assertTrue(refused, "an absolute or '..' name was imported");
        }
    }

    /** A name {@code ArchivePaths} must refuse: absolute, or with a {@code ..} segment. */
    private static boolean unsafe(String name) {
        return name.startsWith("/") || java.util.Arrays.asList(name.split("/", -1)).contains("..");
    }

    /** Imports; returns whether the import was refused (checking, then, that it changed nothing). */
    private static boolean importAndCheck(byte[] input) throws IOException {
        Path fs = TestFs.unixRoot();
        Layout layout = Layout.create(fs.resolve("layout"));
        byte[] index = Files.readAllBytes(layout.root().resolve("index.json"));
        Set<String> before = outsideBlobs(fs, layout);
        try {
            LayoutImport.importArchive(layout, new ByteArrayInputStream(input), "fuzz.tar",
                    new LayoutImport.Options(List.of(), null, null, new ArchiveLimits(64L << 20, 200)), null);
        } catch (LayoutException refused) {
            assertArrayEquals(index, Files.readAllBytes(layout.root().resolve("index.json")), "refused: index unchanged");
            assertEquals(before, outsideBlobs(fs, layout), "refused: nothing written outside blobs/");
            return true;
        }
        Layout.open(layout.root()).index().read(); // accepted: the layout is still valid
        return false;
    }

    static Set<String> outsideBlobs(Path fs, Layout layout) throws IOException {
        try (Stream<Path> all = Files.walk(fs.getRoot())) {
            return all.map(Path::toString)
                    .filter(p -> !p.startsWith(layout.root().resolve("blobs").toString())
                            && !p.startsWith(layout.root().resolve("ingest").toString()))
                    .collect(Collectors.toSet());
        }
    }
}
