package dev.ocilayout.bench;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ingest throughput: a file pushed as a blob (read once, hashed while written, fsynced, renamed), against
 * hashing alone, so the cost of writing on top of hashing is visible.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class IngestBenchmark {
    @Param({"64"})
    int sizeMib;

    Path dir;
    Path source;
    Layout layout;

    @Setup(Level.Trial)
    public void makeSource() throws IOException {
        dir = Files.createTempDirectory("ingest-bench");
        source = dir.resolve("source.bin");
        byte[] chunk = new byte[1024 * 1024];
        Random r = new Random(1);
        try (var out = Files.newOutputStream(source)) {
            for (int i = 0; i < sizeMib; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    @Setup(Level.Invocation)
    public void freshLayout() throws IOException {
        Path l = dir.resolve("layout");
        deleteTree(l);
        layout = Layout.create(l);
    }

    @Benchmark
    public Descriptor pushFile() throws IOException {
        try (InputStream in = Files.newInputStream(source)) {
            return layout.blobs().put(in, "application/octet-stream", null);
        }
    }

    @Benchmark
    public byte[] hashOnly() throws IOException {
        var md = DigestAlgorithm.SHA256.newMessageDigest();
        byte[] buf = new byte[4 * 1024 * 1024];
        try (InputStream in = Files.newInputStream(source)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    @TearDown(Level.Trial)
    public void cleanUp() throws IOException {
        deleteTree(dir);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
