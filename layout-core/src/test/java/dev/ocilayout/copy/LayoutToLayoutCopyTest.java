package dev.ocilayout.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.io.ProgressListener;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.Source;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy engine between two layouts. Real file system: hard links are the point. */
class LayoutToLayoutCopyTest {
    @TempDir
    Path tmp;
    Layout src;
    Layout dst;

    @BeforeEach
    void setUp() throws IOException {
        src = Layout.open(TestData.copy("referrers/oras", tmp.resolve("src")));
        dst = Layout.create(tmp.resolve("dst"));
    }

    @Test
    void copiesTheClosureByHardLinkAndTagsIt() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        TargetCopy.Report r = copy(src, v1, dst, "v1", TargetCopy.Options.defaults());
        assertEquals(v1.digest(), dst.resolveTag("v1").digest());
        assertEquals(3, r.blobs());
        assertEquals(3, r.mounted());
        assertTrue(Files.isSameFile(src.blobs().path(v1.digest()), dst.blobs().path(v1.digest())));
        assertTrue(Fsck.check(dst, 2, null).clean());
        assertEquals(List.of(), r.referrers(), "referrers only on request");
    }

    @Test
    void noLinkCopiesBytesAndASecondCopySkipsWhatIsThere() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        TargetCopy.Report first = copy(src, v1, dst, "v1", TargetCopy.Options.defaults().withMount(false));
        assertEquals(3, first.copied());
        assertFalse(Files.isSameFile(src.blobs().path(v1.digest()), dst.blobs().path(v1.digest())));
        assertArrayEquals(Files.readAllBytes(src.blobs().path(v1.digest())), Files.readAllBytes(dst.blobs().path(v1.digest())));
        TargetCopy.Report second = copy(src, v1, dst, "v2", TargetCopy.Options.defaults());
        assertEquals(3, second.skipped());
    }

    @Test
    void aSkippedBlobHasItsAgeRefreshedAndADamagedOneIsCopiedAgain() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        copy(src, v1, dst, "v1", TargetCopy.Options.defaults().withMount(false));
        Path manifest = dst.blobs().path(v1.digest());
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200));
        Files.setLastModifiedTime(manifest, old);
        var layer = ((dev.ocilayout.model.ImageManifest) src.readManifest(v1)).layers().get(0);
        Files.writeString(dst.blobs().path(layer.digest()), "short");
        TargetCopy.Report again = copy(src, v1, dst, "v1", TargetCopy.Options.defaults().withMount(false));
        assertEquals(2, again.skipped());
        assertEquals(1, again.copied(), "the damaged layer");
        assertTrue(Files.getLastModifiedTime(manifest).compareTo(old) > 0, "gc's grace period covers it again");
        assertEquals(0, Fsck.check(dst, 1, null).count(dev.ocilayout.fsck.Finding.Severity.ERROR));
    }

    @Test
    void referrersComeAlongRecordedTheDestinationsWay() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        Descriptor marker = dst.blobs().put("{}".getBytes(), "application/vnd.oci.empty.v1+json");
        Referrers.attachManifest(dst, marker, ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + marker.digest()
                + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                + marker.digest() + "\",\"size\":2}}").getBytes(), new FallbackTagStrategy());
        TargetCopy.Report r = copy(src, v1, dst, "v1", TargetCopy.Options.defaults().withReferrers(true));
        assertEquals(3, r.referrers().size(), "the SBOM, the signature, and the signature of the SBOM");
        ReferrerIndex lookup = ReferrerIndex.build(dst, false);
        assertEquals(2, lookup.referrers(v1.digest(), null).size());
        assertTrue(lookup.referrers(v1.digest(), null).get(0).sources().contains(Source.FALLBACK_TAG),
                "the destination already used fallback tags");
        assertTrue(Fsck.check(dst, 2, null).clean());
    }

    @Test
    void aPlatformFilterWritesANewIndexWithOnlyThosePlatforms() throws IOException {
        Layout seeds = Layout.open(TestData.copy("seed-shapes", tmp.resolve("seeds")));
        Descriptor mixed = seeds.resolveTag("mixed-index");
        TargetCopy.Report r = copy(seeds, mixed, dst, "amd64",
                TargetCopy.Options.defaults().withPlatforms(List.of(Platform.parse("linux/amd64"))));
        assertTrue(r.filtered());
        ImageIndex written = (ImageIndex) dst.readManifest(dst.resolveTag("amd64"));
        assertEquals(List.of("linux/amd64"), written.manifests().stream().map(d -> d.platform().toString()).toList());
        assertTrue(Fsck.check(dst, 2, null).clean());
        assertThrows(NotFoundException.class, () -> copy(seeds, mixed, dst, "s390x",
                TargetCopy.Options.defaults().withPlatforms(List.of(Platform.parse("linux/s390x")))));
    }

    @Test
    void aMissingBlobFailsTheCopyAndTagsNothing() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        var manifest = (dev.ocilayout.model.ImageManifest) src.readManifest(v1);
        Files.delete(src.blobs().path(manifest.layers().get(0).digest()));
        byte[] before = Files.readAllBytes(dst.files().indexJson());
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> copy(src, v1, dst, "v1", TargetCopy.Options.defaults()));
        assertTrue(e.getMessage().contains("nothing was tagged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dst.files().indexJson()));
    }

    @Test
    void theListenerHearsThePlannedTotalAndIsAdvancedToIt() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        long[] planned = {-1};
        java.util.concurrent.atomic.AtomicLong advanced = new java.util.concurrent.atomic.AtomicLong();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void planned(long bytes) {
                planned[0] = bytes;
            }

            @Override
            public void accept(long bytes) {
                advanced.addAndGet(bytes);
            }
        };
        var manifest = (dev.ocilayout.model.ImageManifest) src.readManifest(v1);
        long blobBytes = manifest.config().size() + manifest.layers().stream().mapToLong(Descriptor::size).sum();
        TargetCopy.copy(new LayoutTarget(src), v1, new LayoutTarget(dst), "v1",
                TargetCopy.Options.defaults().withMount(false), listener);
        assertEquals(blobBytes, planned[0]);
        assertEquals(blobBytes, advanced.get());
    }

    @Test
    void anUntaggedCopyKeepsItsRootInIndexJsonSoGcKeepsIt() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        TargetCopy.Report r = copy(src, v1, dst, null, TargetCopy.Options.defaults());
        assertEquals(null, r.tag());
        assertEquals(List.of(v1.digest()), dst.index().read().manifests().stream().map(Descriptor::digest).toList());
    }

    @Test
    void aSourceBlobDamagedOnDiskIsRefusedByTheDestinationAndNothingIsTagged() throws IOException {
        Descriptor v1 = src.resolveTag("v1");
        var layer = ((dev.ocilayout.model.ImageManifest) src.readManifest(v1)).layers().get(0);
        byte[] bytes = Files.readAllBytes(src.blobs().path(layer.digest()));
        bytes[0] ^= 1; // same size: only the hash can tell
        Files.write(src.blobs().path(layer.digest()), bytes);
        byte[] before = Files.readAllBytes(dst.files().indexJson());
        assertThrows(dev.ocilayout.error.IntegrityException.class,
                () -> copy(src, v1, dst, "v1", TargetCopy.Options.defaults().withMount(false)));
        assertFalse(dst.blobs().exists(layer.digest()), "the destination's ingest refused it");
        assertArrayEquals(before, Files.readAllBytes(dst.files().indexJson()));
    }

    private static TargetCopy.Report copy(Layout from, Descriptor root, Layout to, String tag, TargetCopy.Options options)
            throws IOException {
        return TargetCopy.copy(new LayoutTarget(from), root, new LayoutTarget(to), tag, options, null);
    }
}
