package dev.ocilayout.bench;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** A referrers query on a layout of 1,000 subjects and 10,000 referrers, once the lookup is built. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReferrerQueryBenchmark {
    Layout layout;
    ReferrerIndex index;
    Digest subject;

    @Setup
    public void build() throws Exception {
        Path dir = Files.createTempDirectory("referrers-bench").resolve("layout");
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured));
        try {
            SyntheticReferrers.main(new String[] {dir.toString(), "1000", "10"});
        } finally {
            System.setOut(out);
        }
        subject = Digest.parse(captured.toString().trim());
        layout = Layout.open(dir);
        index = ReferrerIndex.build(layout, false);
    }

    @Benchmark
    public List<Referrer> query() throws Exception {
        return index.referrers(subject, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public ReferrerIndex openAndBuild() throws Exception {
        return ReferrerIndex.build(Layout.open(layout.root()), false);
    }
}
