package dev.ocilayout.bench;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.store.Tags;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing and writing a large {@code index.json}: the cost every mutating command pays under the lock. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IndexParseBenchmark {
    @Param({"100", "10000"})
    int entries;

    byte[] bytes;
    ImageIndex index;

    @Setup
    public void build() {
        ImageIndex i = ImageIndex.empty();
        for (int n = 0; n < entries; n++) {
            String hex = String.format("%064x", n);
            i = Tags.addUntagged(i, Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + hex), 500 + n));
        }
        index = Tags.tag(i, "v1", i.manifests().get(0));
        bytes = ModelJson.toBytes(index, true);
    }

    @Benchmark
    public ImageIndex parse() throws Exception {
        return ModelJson.parseIndex(bytes, "index.json");
    }

    @Benchmark
    public byte[] write() {
        return ModelJson.toBytes(index, true);
    }
}
