package dev.ocilayout.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real peer tools (skopeo, umoci, docker-registry). A test that needs a missing tool is skipped
 * with a printed reason on a developer's machine, and fails in CI ({@code CI=true}), where .ci/run
 * installs them.
 */
public final class PeerTools {
    private PeerTools() {
    }

    /** The result of running a command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result assertOk(String what) {
            if (exitCode != 0) {
                fail(what + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    /** Skips (or, in CI, fails) unless {@code tool} is on the PATH. */
    public static void require(String tool) {
        if (find(tool) != null) {
            return;
        }
        String reason = tool + " is not installed (apt-get install -y " + tool + "); interoperability test skipped";
        if ("true".equals(System.getenv("CI"))) {
            fail(reason + " -- but CI=true, where .ci/run must install it");
        }
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    public static Path find(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs a command with a two-minute limit and returns its output. */
    public static Result run(Path workDir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Path out = Files.createTempFile("peer", ".out");
        Path err = Files.createTempFile("peer", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish within 2 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
