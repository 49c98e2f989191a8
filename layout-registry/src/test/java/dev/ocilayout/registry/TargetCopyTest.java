package dev.ocilayout.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.LayoutBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy over roles: registry to registry with no layout between (two servers), back into a layout, and
 * within one registry by mounting; referrers follow their subject and are recorded the destination's way.
 */
class TargetCopyTest {
    @TempDir
    Path tmp;

    RegistryServer serve(Path root) throws Exception {
        return RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), false, 8,
                LayoutOptions.defaults()));
    }

    static RegistryClient client(RegistryServer s) {
        return new RegistryClient("127.0.0.1:" + s.address().getPort(), new RegistryClient.Options(true, false, null));
    }

    @Test
    void anImageAndItsReferrersGoFromOneRegistryToAnotherAndBackIntoALayout() throws Exception {
        Layout src = Layout.create(tmp.resolve("a/team/app"));
        LayoutBuilder b = new LayoutBuilder(src);
        Descriptor image = b.index(b.image("amd64", "layer-1"), b.image("arm64", "layer-2"));
        b.tag("v1", image);
        Descriptor sbom = b.referrer(image, "application/spdx+json", "{\"spdx\":true}");
        Descriptor response = ReferrerIndex.responseDescriptor(sbom, src.readManifest(sbom));
        src.index().update(i -> new SubjectAnnotationStrategy().add(src, i, image.digest(), response));
        try (RegistryServer a = serve(tmp.resolve("a")); RegistryServer bServer = serve(tmp.resolve("b"))) {
            RegistryTarget from = new RegistryTarget(client(a), "team/app");
            RegistryTarget to = new RegistryTarget(client(bServer), "mirror/app");
            TargetCopy.Report r = TargetCopy.copy(from, "v1", to, "v1", TargetCopy.Options.defaults().withReferrers(true), null);
            assertEquals(image.digest(), r.root().digest());
            assertEquals(1, r.referrers().size());
            assertEquals(image.digest(), to.resolve("v1").digest());
            assertEquals(List.of(sbom.digest()), to.referrers(image.digest(), null).stream().map(Descriptor::digest).toList());

            TargetCopy.Report again = TargetCopy.copy(from, "v1", to, "v1", TargetCopy.Options.defaults().withReferrers(true), null);
            assertEquals(again.blobs(), again.skipped(), "a second copy moves nothing");
            assertEquals(0, again.bytes());

            Layout back = Layout.create(tmp.resolve("back"));
            TargetCopy.copy(to, "v1", new LayoutTarget(back), "v1", TargetCopy.Options.defaults().withReferrers(true), null);
            assertEquals(image.digest(), back.resolveTag("v1").digest());
            assertEquals(List.of(sbom.digest()), new LayoutTarget(back).referrers(image.digest(), null).stream()
                    .map(Descriptor::digest).toList());
            Fsck.Report f = Fsck.check(back, 2, null);
            assertEquals(0, f.count(Finding.Severity.ERROR), f.findings().toString());
        }
    }

    @Test
    void withinOneRegistryBlobsAreMountedNotSent() throws Exception {
        Layout src = Layout.create(tmp.resolve("r/team/app"));
        LayoutBuilder b = new LayoutBuilder(src);
        Descriptor image = b.image("app", "a big layer");
        b.tag("v1", image);
        try (RegistryServer r = serve(tmp.resolve("r"))) {
            RegistryClient c = client(r);
            TargetCopy.Report report = TargetCopy.copy(new RegistryTarget(c, "team/app"), "v1",
                    new RegistryTarget(c, "team/copy", "team/app"), "v1", TargetCopy.Options.defaults(), null);
            assertEquals(0, report.bytes(), "config and layer mounted");
            assertEquals(2, report.mounted(), report.toString());
            assertEquals(image.digest(), new RegistryTarget(c, "team/copy").resolve("v1").digest());
        }
    }

    @Test
    void twoRepositoriesSeenThroughOneClientMountWithoutBeingTold() throws Exception {
        Layout src = Layout.create(tmp.resolve("m/team/app"));
        LayoutBuilder b = new LayoutBuilder(src);
        Descriptor image = b.image("app", "a big layer");
        b.tag("v1", image);
        try (RegistryServer r = serve(tmp.resolve("m"))) {
            RegistryClient c = client(r);
            TargetCopy.Report report = TargetCopy.copy(new RegistryTarget(c, "team/app"), "v1",
                    new RegistryTarget(c, "team/other"), null, TargetCopy.Options.defaults(), null);
            assertEquals(2, report.mounted(), report.toString());
            assertEquals(0, report.bytes());
            TargetCopy.Report sent = TargetCopy.copy(new RegistryTarget(c, "team/app"), "v1",
                    new RegistryTarget(c, "team/third"), null, TargetCopy.Options.defaults().withMount(false), null);
            assertEquals(0, sent.mounted(), "--no-link sends the bytes");
            assertEquals(2, sent.copied() - 1, "config and layer sent, and the manifest put");
        }
    }
}
