package dev.ocilayout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run the launcher records its class-data-sharing archive from: the everyday metadata commands on a
 * throw-away layout, so the archive holds what they load whichever command happens to run first after a
 * build (before, an archive made by {@code serve} left {@code discover} 0.13 s slower).
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        try (TempDir temp = TempDir.create("oci-layout-cds-")) {
            Path dir = temp.path();
            Path file = Files.writeString(dir.resolve("hello.txt"), "hello");
            String l = dir.resolve("layout").toString();
            // an image set whose registry refuses the connection: the set's YAML, the mirror and the HTTP client
            // load all the same
            Path set = Files.writeString(dir.resolve("set.yaml"), "127.0.0.1:9:\n  tls-verify: false\n  images:\n"
                    + "    team/app: [v1]\n");
            List<String[]> runs = List.of(
                    new String[] {"push", l + ":v1", file + ":text/plain", "--artifact-type", "application/vnd.example"},
                    new String[] {"attach", l + ":v1", file + ":text/plain", "--artifact-type", "application/vnd.example.sig"},
                    new String[] {"tag", l + ":v1", "latest"},
                    new String[] {"tags", l}, new String[] {"tags", l, "--format", "json"},
                    new String[] {"resolve", l + ":v1"}, new String[] {"cat", l + ":v1"},
                    new String[] {"tree", l}, new String[] {"tree", l, "--format", "json"},
                    new String[] {"discover", l + ":v1"}, new String[] {"discover", l + ":v1", "--format", "json"},
                    new String[] {"referrers", "detect", l}, new String[] {"lint", l, "--registry", "all"},
                    new String[] {"fsck", l}, new String[] {"gc", l, "--dry-run"}, new String[] {"blobs", l},
                    new String[] {"mirror", set.toString(), dir.resolve("store").toString()},
                    new String[] {"mirror", "export", l, "-o", dir.resolve("carried").toString()},
                    new String[] {"mirror", "import", dir.resolve("carried").toString(), dir.resolve("store").toString()},
                    new String[] {"untag", l + ":latest"}, new String[] {"--help"}, new String[] {"--version"});
            PrintStream none = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            for (String[] run : runs) {
                OciLayout.execute(InputStream.nullInputStream(), none, none, run);
            }
        }
    }
}
