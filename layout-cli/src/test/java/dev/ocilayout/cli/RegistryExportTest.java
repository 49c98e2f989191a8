package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.TestData;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export REGISTRY_REF... -o FILE} (oras's backup): straight from a registry into an archive, no layout
 * between, referrers included; the archive imports, fscks and keeps the referrers.
 */
class RegistryExportTest {
    @TempDir
    Path tmp;
    Distribution registry;

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static List<String> referrers(Path layout) throws Exception {
        JsonNode r = ModelJson.mapper().readTree(Cli.run("discover", layout + ":v1", "--format", "json").out());
        List<String> out = new ArrayList<>(r.get("manifests").findValuesAsText("digest"));
        out.sort(null);
        return out;
    }

    private void exportImportAndCheck(String host, Path source) throws Exception {
        assertEquals(0, Cli.run("copy", source + ":v1", host + "/team/app:v1", "--plain-http", "--referrers").exit());
        Path tar = tmp.resolve("backup.tar.zst");
        Cli.Result export = Cli.run("export", host + "/team/app:v1", "--referrers", "--plain-http", "--compress", "zstd",
                "-o", tar.toString(), "--format", "json");
        assertEquals(0, export.exit(), export.toString());
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temp file left");
        }
        assertEquals(0, Cli.run("fsck", "oci-archive:" + tar).exit(), "the archive checks whole before it travels");
        Path inside = tmp.resolve("inside");
        Cli.Result imported = Cli.run("import", tar.toString(), inside.toString());
        assertEquals(0, imported.exit(), imported.toString());
        assertEquals(0, Cli.run("fsck", inside.toString()).exit());
        assertEquals(Cli.run("resolve", source + ":v1").out(), Cli.run("resolve", inside + ":v1").out());
        assertEquals(referrers(source), referrers(inside), "the referrers came along");
    }

    @Test
    void fromDistributionThroughTheFallbackTag() throws Exception {
        registry = Distribution.start(tmp, "");
        exportImportAndCheck(registry.host(), TestData.copy("referrers/oras", tmp.resolve("oras")));
    }

    @Test
    void fromServeThroughTheReferrersApi() throws Exception {
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("served"),
                new InetSocketAddress("127.0.0.1", 0), false, 8, LayoutOptions.defaults()))) {
            exportImportAndCheck("127.0.0.1:" + server.address().getPort(),
                    TestData.copy("referrers/oras", tmp.resolve("oras")));
        }
    }
}
