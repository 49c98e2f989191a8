package dev.ocilayout.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.LayoutBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pull walks nested indexes iteratively: a chain deeper than any call stack comes whole, verified. */
class RegistryPullDepthTest {
    @TempDir
    Path tmp;

    @Test
    void aChainOfThreeThousandNestedIndexesIsPulledWhole() throws Exception {
        Layout src = Layout.create(tmp.resolve("root/deep/chain"));
        LayoutBuilder b = new LayoutBuilder(src);
        Descriptor d = b.image("bottom", "layer");
        for (int i = 0; i < 3000; i++) {
            d = b.index(d);
        }
        b.tag("v1", d);
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("root"),
                new InetSocketAddress("127.0.0.1", 0), true, 8, LayoutOptions.defaults()))) {
            RegistryClient client = new RegistryClient("127.0.0.1:" + server.address().getPort(),
                    new RegistryClient.Options(true, false, null));
            Layout dst = Layout.create(tmp.resolve("dst"));
            TargetCopy.Report r = TargetCopy.copy(new RegistryTarget(client, "deep/chain"), "v1", new LayoutTarget(dst), "v1",
                    TargetCopy.Options.defaults(), null);
            assertEquals(d.digest(), r.root().digest());
            assertEquals(d.digest(), dst.resolveTag("v1").digest());
            Fsck.Report f = Fsck.check(dst, 2, null);
            assertEquals(0, f.count(Finding.Severity.ERROR), f.findings().toString());
        }
    }
}
