package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.archive.ArchiveTarget;
import dev.ocilayout.archive.Compression;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.testing.PeerTools;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives skopeo wrote ({@code oci-archive:}, {@code docker-archive:}) read in place: the same tags, manifests and blobs. */
class ArchiveTargetInteropTest {
    @TempDir
    Path tmp;

    @Test
    void anArchiveSkopeoWroteIsReadInPlace() throws Exception {
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path tar = tmp.resolve("skopeo.tar");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + umoci + ":v1", "oci-archive:" + tar + ":v1")
                .assertOk("skopeo copy to oci-archive");
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        Layout layout = Layout.open(umoci);
        assertEquals(Compression.NONE, archive.compression());
        assertEquals(List.of("v1"), archive.tags());
        Descriptor v1 = archive.resolve("v1");
        assertEquals(layout.resolveTag("v1").digest(), v1.digest());
        LayoutTarget expected = new LayoutTarget(layout);
        assertArrayEquals(expected.fetchManifest(v1).bytes(), archive.fetchManifest(v1).bytes());
        Graph graph = GraphWalker.walk(layout, List.of(v1));
        for (Graph.Node n : graph.nodes().values()) {
            try (InputStream a = archive.fetch(n.descriptor()); InputStream l = expected.fetch(n.descriptor())) {
                assertArrayEquals(l.readAllBytes(), a.readAllBytes(), n.digest().toString());
            }
        }
    }

    @Test
    void aDockerArchiveSkopeoWroteIsReadInPlaceAsItIsImported() throws Exception {
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path tar = tmp.resolve("docker.tar");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + umoci + ":v1", "docker-archive:" + tar + ":example.com/app:v1")
                .assertOk("skopeo copy to docker-archive");
        ArchiveTarget archive = ArchiveTarget.open(tar, LayoutOptions.defaults());
        assertEquals(List.of("v1"), archive.tags());
        Path imported = tmp.resolve("imported");
        assertEquals(0, Cli.run("import", tar.toString(), imported.toString()).exit());
        Descriptor v1 = archive.resolve("v1");
        assertEquals(Layout.open(imported).resolveTag("v1").digest(), v1.digest(), "the same manifest, made the same way");
        Layout copied = Layout.create(tmp.resolve("copied"));
        TargetCopy.copy(archive, "v1", new LayoutTarget(copied), "v1", TargetCopy.Options.defaults(), null);
        assertEquals(0, Cli.run("fsck", copied.root().toString()).exit());
        PeerTools.run(tmp, "skopeo", "inspect", "oci:" + copied.root() + ":v1").assertOk("skopeo reads the copy");
    }
}
