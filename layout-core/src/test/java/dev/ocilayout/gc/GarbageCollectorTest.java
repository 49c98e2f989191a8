package dev.ocilayout.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.gc.GarbageCollector.Policy;
import dev.ocilayout.gc.GarbageCollector.Removal;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
    static final Policy NOW = new Policy(false, Duration.ZERO, false);

    Layout layout;
    LayoutBuilder b;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot().resolve("layout"));
        b = new LayoutBuilder(layout);
    }

    Set<Digest> stored() throws IOException {
        return layout.blobs().scan().stream().filter(f -> f.isBlob()).map(f -> f.digest()).collect(Collectors.toSet());
    }

    void age(Digest d, Duration by) throws IOException {
        Files.setLastModifiedTime(layout.blobs().path(d), FileTime.from(Instant.now().minus(by)));
    }

    @Test
    void removesWhatNothingReferencesAndKeepsTheRest() throws IOException {
        Descriptor kept = b.image("kept", "layer");
        b.tag("v1", kept);
        Descriptor orphan = b.image("orphan", "orphan layer");
        Set<Digest> before = stored();
        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);
        assertEquals(3, r.removed().size(), "orphan manifest, config and layer");
        assertTrue(r.removed().stream().anyMatch(x -> x.digest().equals(orphan.digest())));
        Set<Digest> after = stored();
        assertEquals(before.size() - 3, after.size());
        assertTrue(after.contains(kept.digest()));
        assertTrue(r.reclaimedBytes() > 0);
    }

    @Test
    void untaggedEntriesAreRootsByDefault() throws IOException {
        Descriptor m = b.image("untagged", "l");
        b.untagged(m);
        GarbageCollector.run(layout, NOW);
        assertTrue(layout.blobs().exists(m.digest()));
    }

    @Test
    void blobsYoungerThanTheGracePeriodAreKept() throws IOException {
        Descriptor young = b.blob("young", "a/b");
        Descriptor old = b.blob("old", "a/b");
        age(old.digest(), Duration.ofHours(2));
        GarbageCollector.Report r = GarbageCollector.run(layout, Policy.defaults());
        assertEquals(List.of(new Removal(old.digest(), old.size())), r.removed());
        assertEquals(1, r.keptYoung());
        assertTrue(layout.blobs().exists(young.digest()));
    }

    @Test
    void aDryRunListsExactlyWhatARealRunRemoves() throws IOException {
        b.tag("v1", b.image("kept", "l"));
        b.image("gone1", "x");
        b.image("gone2", "y");
        Set<Digest> before = stored();
        GarbageCollector.Report plan = GarbageCollector.run(layout, new Policy(false, Duration.ZERO, true));
        assertEquals(before, stored(), "a dry run changes nothing");
        GarbageCollector.Report real = GarbageCollector.run(layout, NOW);
        assertEquals(plan.removed(), real.removed());
    }

    @Test
    void referrersOfLiveSubjectsSurviveEvenWhenOnlyInBlobs() throws IOException {
        Descriptor image = b.image("img", "l");
        b.tag("v1", image);
        Descriptor sig = b.referrer(image, "application/vnd.dev.cosign.artifact.sig.v1+json", "signature");
        Descriptor sigOfSig = b.referrer(sig, "application/vnd.example.countersign", "countersignature");
        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);
        assertTrue(layout.blobs().exists(sig.digest()));
        assertTrue(layout.blobs().exists(sigOfSig.digest()), "a referrer of a referrer is kept too");
        assertEquals(Set.of(sig.digest(), sigOfSig.digest()), Set.copyOf(r.referrersKept()));
        assertEquals(List.of(), r.removed());
        // Once the subject goes, its referrers go with it.
        layout.index().update(i -> Tags.untag(i, "v1"));
        GarbageCollector.run(layout, NOW);
        assertEquals(Set.of(), stored());
    }

    @Test
    void aBlobOnlyReferrerIsFoundWhateverWhitespaceComesBeforeItsBrace() throws IOException {
        // gc reads only the first 4 KiB of a blob before deciding it cannot be a manifest; a manifest whose
        // opening brace comes later is still read whole.
        Descriptor image = b.image("img", "l");
        b.tag("v1", image);
        Descriptor sig = b.referrer(image, "application/vnd.dev.cosign.artifact.sig.v1+json", "signature");
        byte[] padded = (" \n".repeat(3000) + new String(layout.readManifestBytes(sig), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        Descriptor spaced = layout.blobs().put(new ByteArrayInputStream(padded), sig.mediaType(), null);
        Files.delete(layout.blobs().path(sig.digest()));

        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);

        assertEquals(List.of(spaced.digest()), r.referrersKept());
        assertTrue(layout.blobs().exists(spaced.digest()));
    }

    @Test
    void dropUntaggedKeepsOnlyTaggedContentAndReferrersOfIt() throws IOException {
        Descriptor image = b.image("img", "l");
        b.tag("v1", image);
        Descriptor sbom = b.referrer(image, "application/spdx+json", "sbom");
        b.untagged(sbom);
        Descriptor stray = b.image("stray", "s");
        b.untagged(stray);
        GarbageCollector.Report r = GarbageCollector.run(layout, new Policy(true, Duration.ZERO, false));
        assertEquals(List.of(stray.digest()), r.droppedEntries().stream().map(Descriptor::digest).toList());
        assertFalse(layout.blobs().exists(stray.digest()));
        assertTrue(layout.blobs().exists(sbom.digest()));
        assertEquals(Set.of(image.digest(), sbom.digest()),
                layout.index().read().manifests().stream().map(Descriptor::digest).collect(Collectors.toSet()));
    }

    @Test
    void aTempFileSecondsOldIsInFlightEvenWithNoGracePeriod() throws IOException {
        Path fresh = Files.writeString(layout.files().ingest().resolve("ocil-just-created.tmp"), "x");
        GarbageCollector.Report r = GarbageCollector.run(layout, new Policy(false, Duration.ZERO, false));
        assertEquals(List.of(), r.temps());
        assertTrue(Files.exists(fresh), "a writer may not have locked it yet");
    }

    @Test
    void staleTempFilesGoInFlightAndForeignOnesStay() throws IOException {
        Path ingest = layout.files().ingest();
        Path stale = Files.writeString(ingest.resolve("ocil-stale.tmp"), "x");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path foreign = Files.writeString(ingest.resolve("abc_123"), "oras-go temp");
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path young = Files.writeString(ingest.resolve("ocil-young.tmp"), "x");
        GarbageCollector.Report r = GarbageCollector.run(layout, Policy.defaults());
        assertEquals(List.of(stale), r.temps());
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(foreign));
        assertTrue(Files.exists(young));
    }

    @Test
    void unknownFilesAreLeftAlone() throws IOException {
        Path readme = Files.writeString(layout.root().resolve("README"), "hi");
        Path notHex = Files.writeString(Files.createDirectories(layout.files().blobs().resolve("sha256")).resolve("NOTHEX"), "x");
        Path tmp = Files.writeString(layout.files().blobs().resolve("sha256/abc.tmp"), "regclient temp");
        Files.setLastModifiedTime(notHex, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        GarbageCollector.run(layout, NOW);
        assertTrue(Files.exists(readme) && Files.exists(notHex) && Files.exists(tmp));
    }

    @Test
    void aMissingLayerIsReportedNotFatal() throws IOException {
        Descriptor config = b.blob("{}", MediaType.OCI_CONFIG);
        Descriptor m = b.manifest(config, null, null, LayoutBuilder.absent(MediaType.OCI_LAYER_GZIP, 'e'));
        b.tag("v1", m);
        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);
        assertEquals(Graph.ProblemCode.MISSING_BLOB, r.problems().get(0).code());
        assertTrue(layout.blobs().exists(m.digest()) && layout.blobs().exists(config.digest()));
    }

    @Test
    void aMissingManifestStopsGcBeforeAnythingIsRemoved() throws IOException {
        Descriptor m = b.image("a", "l");
        b.tag("v1", b.index(m, LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'e')));
        b.image("orphan", "o");
        Set<Digest> before = stored();
        UnreadableContentException e = assertThrows(UnreadableContentException.class,
                () -> GarbageCollector.run(layout, NOW));
        assertTrue(e.getMessage().startsWith("gc refused: sha256:eeee"), e.getMessage());
        assertTrue(e.getMessage().contains(" at index.json -> tag v1 cannot be read (missing blob"), e.getMessage());
        assertEquals(before, stored());
    }

    @Test
    void aDamagedReferrerOnlyInBlobsStopsGcAndIsKeptWhenToldToGoOn() throws IOException {
        Descriptor image = b.image("a", "l");
        b.tag("v1", image);
        Descriptor sig = b.referrer(image, "application/vnd.example.sig", "signature"); // only in blobs/, as cosign saves
        Path file = layout.files().blob(sig.digest());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1; // still reads like a manifest with a subject, no longer matches its digest
        Files.write(file, bytes);
        Set<Digest> before = stored();
        UnreadableContentException e = assertThrows(UnreadableContentException.class, () -> GarbageCollector.run(layout, NOW));
        assertTrue(e.getMessage().contains(sig.digest().toString()), e.getMessage());
        assertEquals(before, stored());
        GarbageCollector.Report r = GarbageCollector.run(layout, new Policy(false, Duration.ZERO, false, true));
        assertTrue(layout.blobs().exists(sig.digest()), "kept: not gc's to judge");
        assertTrue(r.problems().stream().anyMatch(p -> p.digest().equals(sig.digest())), r.problems().toString());
    }

    @Test
    void ignoreUnreadableTreatsAMissingManifestAsALeaf() throws IOException {
        Descriptor m = b.image("a", "l");
        b.tag("v1", b.index(m, LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'e')));
        GarbageCollector.Report r = GarbageCollector.run(layout,
                new Policy(false, Duration.ZERO, false, true));
        assertEquals(Graph.ProblemCode.MISSING_BLOB, r.problems().get(0).code());
        assertTrue(layout.blobs().exists(m.digest()));
    }

    @Test
    void aCorruptIndexJsonStopsGcBeforeAnythingIsRemoved() throws IOException {
        b.image("orphan", "o");
        Set<Digest> before = stored();
        Files.writeString(layout.files().indexJson(), "{\"schemaVersion\":2,\"manifests\":[");
        assertThrows(InvalidLayoutException.class, () -> GarbageCollector.run(layout, NOW));
        assertEquals(before, stored());
    }

    @Test
    void aPushWhoseBlobsGcRemovedFailsInsteadOfLeavingADanglingTag() throws IOException {
        // A writer stored its blobs; gc with no grace runs before the writer records its tag.
        Descriptor m = b.image("pushed", "l");
        GarbageCollector.run(layout, NOW);
        assertFalse(layout.blobs().exists(m.digest()));
        NotFoundException e = assertThrows(NotFoundException.class, () -> layout.index().update(i -> {
            layout.blobs().requirePresent(List.of(m));
            return Tags.tag(i, "v1", m);
        }));
        assertTrue(e.getMessage().contains("concurrent gc"), e.getMessage());
        assertEquals(List.of(), layout.index().read().manifests());
    }

    @Test
    void artifactPushChecksItsBlobsUnderTheLock() throws IOException {
        Path file = Files.writeString(layout.root().resolveSibling("f.txt"), "data");
        ArtifactPush.Result r = ArtifactPush.builder().file(file, null).build().push(layout, "v1", null);
        GarbageCollector.run(layout, NOW);
        assertTrue(layout.blobs().exists(r.manifest().digest()));
        assertTrue(layout.blobs().exists(r.layers().get(0).digest()));
    }

    @Test
    void gcIsIdempotent() throws IOException {
        b.tag("v1", b.image("kept", "l"));
        b.image("gone", "x");
        GarbageCollector.run(layout, NOW);
        byte[] index = Files.readAllBytes(layout.files().indexJson());
        Set<Digest> after = stored();
        assertEquals(List.of(), GarbageCollector.run(layout, NOW).removed());
        assertEquals(after, stored());
        assertArrayEquals(index, Files.readAllBytes(layout.files().indexJson()));
        try (Stream<Path> s = Files.list(layout.files().ingest())) {
            assertEquals(0, s.count());
        }
    }
}
