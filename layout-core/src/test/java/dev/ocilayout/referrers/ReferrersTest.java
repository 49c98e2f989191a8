package dev.ocilayout.referrers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.ReferrerFixtures;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReferrersTest {
    Path root;
    Layout layout;
    LayoutBuilder b;
    Descriptor image;
    Path sbomFile;

    @BeforeEach
    void setUp() throws IOException {
        root = TestFs.unixRoot();
        layout = Layout.create(root.resolve("layout"));
        b = new LayoutBuilder(layout);
        image = b.image("img", "layer");
        b.tag("v1", image);
        sbomFile = Files.writeString(root.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
    }

    static List<String> strategies() {
        return ReferrerStrategy.names();
    }

    Descriptor attach(Descriptor subject, String type, ReferrerStrategy s) throws IOException {
        return ArtifactPush.builder().artifactType(type).file(sbomFile, null)
                .annotation("org.example.k", "v").subject(subject).build().attach(layout, subject, s, null);
    }

    List<Digest> referrers(Digest subject, String type) throws IOException {
        return ReferrerIndex.build(layout, false).referrers(subject, type).stream().map(r -> r.descriptor().digest()).toList();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anAttachedArtifactIsFoundWithItsTypeAndAnnotations(String name) throws IOException {
        Descriptor sbom = attach(image, "application/spdx+json", ReferrerStrategy.named(name, false));
        List<Referrer> refs = ReferrerIndex.build(layout, false).referrers(image.digest(), null);
        assertEquals(1, refs.size());
        Descriptor d = refs.get(0).descriptor();
        assertEquals(sbom.digest(), d.digest());
        assertEquals("application/spdx+json", d.artifactType());
        assertEquals("v", d.annotation("org.example.k"));
        assertTrue(d.annotation("org.opencontainers.image.created") != null);
    }

    @Test
    void theSubjectAnnotationEntryIsUntaggedWithArtifactTypeAndContainerdKey() throws IOException {
        Descriptor sbom = attach(image, "application/spdx+json", new SubjectAnnotationStrategy());
        Descriptor entry = layout.index().read().manifests().get(1);
        assertEquals(sbom.digest(), entry.digest());
        assertEquals(null, entry.refName());
        assertEquals("application/spdx+json", entry.artifactType());
        assertEquals(image.digest().toString(), entry.annotation("io.containerd.manifest.subject"));
    }

    @Test
    void theResponseIndexIsOnePerSubjectAndOlaregFlavourMarksTheIndex() throws IOException {
        ReferrerStrategy olareg = ReferrerStrategy.named(ResponseIndexStrategy.NAME, true);
        attach(image, "a/one", olareg);
        attach(image, "a/two", olareg);
        List<Descriptor> entries = layout.index().read().manifests();
        assertEquals(2, entries.size(), "the image and one response index");
        assertEquals(image.digest().toString(), entries.get(1).annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT));
        assertEquals("true", layout.index().read().annotations().get(ReferrerKeys.OLAREG_REFERRER_CONVERT));
        assertEquals(2, referrers(image.digest(), null).size());
    }

    @Test
    void aSha512SubjectGetsATruncatedFallbackTag() throws IOException {
        Descriptor config = layout.blobs().put(new ByteArrayInputStream("{}".getBytes()), DigestAlgorithm.SHA512,
                MediaType.OCI_CONFIG, null);
        Descriptor layer = layout.blobs().put(new ByteArrayInputStream("l".getBytes()), DigestAlgorithm.SHA512,
                MediaType.OCI_LAYER, null);
        byte[] manifest = dev.ocilayout.model.ModelJson.toBytes(new dev.ocilayout.model.ImageManifest(2,
                MediaType.OCI_MANIFEST, null, config, List.of(layer), null, null, null));
        Descriptor m512 = layout.blobs().put(new ByteArrayInputStream(manifest), DigestAlgorithm.SHA512, MediaType.OCI_MANIFEST, null);
        b.tag("v512", m512);
        Descriptor sig = attach(m512, "a/sig", new FallbackTagStrategy());
        String tag = ReferrerKeys.fallbackTag(m512.digest());
        assertEquals("sha512-" + m512.digest().encoded().substring(0, 64), tag);
        assertTrue(Tags.list(layout.index().read()).stream().anyMatch(t -> t.name().equals(tag)));
        assertEquals(List.of(sig.digest()), referrers(m512.digest(), null));
    }

    @Test
    void manyReferrersOnOneSubjectAreListedOnceEachInAStableOrder() throws IOException {
        for (int i = 0; i < 40; i++) {
            Path f = Files.writeString(root.resolve("f" + i), "content " + i);
            ArtifactPush.builder().artifactType("a/t" + (i % 3)).file(f, null)
                    .subject(image).build().attach(layout, image, new ResponseIndexStrategy(false), null);
        }
        Referrers.convert(layout, new FallbackTagStrategy(), true, false);
        List<Digest> first = referrers(image.digest(), null);
        assertEquals(40, first.size());
        assertEquals(40, Set.copyOf(first).size(), "no duplicates across conventions");
        assertEquals(first, referrers(image.digest(), null), "stable");
        assertEquals(14, referrers(image.digest(), "a/t0").size());
    }

    @Test
    void aReferrerWhoseSubjectIsAbsentIsStillListed() throws IOException {
        Descriptor absent = LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'e');
        Descriptor sig = attach(absent, "a/sig", new SubjectAnnotationStrategy());
        assertEquals(List.of(sig.digest()), referrers(absent.digest(), null));
    }

    @Test
    void aStaleFallbackIndexIsReportedNotTrusted() throws IOException {
        Descriptor other = b.image("other", "o");
        Descriptor sigOfOther = b.referrer(other, "a/sig", "sig");
        Descriptor stale = b.index(sigOfOther);
        b.tag(ReferrerKeys.fallbackTag(image.digest()), stale);
        ReferrerIndex index = ReferrerIndex.build(layout, false);
        assertEquals(List.of(), index.referrers(image.digest(), null));
        assertTrue(index.problems().get(0).contains("its subject is " + other.digest()), index.problems().toString());
    }

    @Test
    void aFallbackTagThatIsNotAReferrersIndexIsNeverOverwritten() throws IOException {
        b.tag(ReferrerKeys.fallbackTag(image.digest()), b.image("squatter", "s"));
        assertThrows(InvalidContentException.class, () -> attach(image, "a/sig", new FallbackTagStrategy()));
    }

    @Test
    void referrersOfReferrersAreFoundAndKept() throws IOException {
        Descriptor sbom = attach(image, "application/spdx+json", new FallbackTagStrategy());
        Descriptor sigOfSbom = attach(sbom, "a/sig", new FallbackTagStrategy());
        assertEquals(List.of(sigOfSbom.digest()), referrers(sbom.digest(), null));
        GarbageCollector.run(layout, new GarbageCollector.Policy(false, Duration.ZERO, false));
        assertTrue(layout.blobs().exists(sigOfSbom.digest()));
    }

    @Test
    void attachingAnExistingManifestKeepsItsBytes() throws IOException {
        Descriptor sig = b.referrer(image, "a/sig", "sig");
        byte[] bytes = layout.readManifestBytes(sig);
        Descriptor stored = Referrers.attachManifest(layout, image, bytes, new SubjectAnnotationStrategy());
        assertEquals(sig.digest(), stored.digest());
        assertEquals(List.of(sig.digest()), referrers(image.digest(), null));
        Descriptor other = b.image("other", "x");
        assertThrows(InvalidContentException.class,
                () -> Referrers.attachManifest(layout, other, bytes, new SubjectAnnotationStrategy()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void detachRemovesTheBookkeepingEverywhere(String name) throws IOException {
        Descriptor one = attach(image, "a/one", ReferrerStrategy.named(name, false));
        Descriptor two = attach(image, "a/two", ReferrerStrategy.named(name, false));
        Referrers.convert(layout, new SubjectAnnotationStrategy(), true, false);
        Referrers.detach(layout, one.digest());
        assertEquals(List.of(two.digest()), referrers(image.digest(), null));
        Referrers.detach(layout, two.digest());
        assertEquals(List.of(), referrers(image.digest(), null));
        assertEquals(1, layout.index().read().manifests().size(), "only the image entry is left");
        assertThrows(NotFoundException.class, () -> Referrers.detach(layout, two.digest()));
    }

    @Test
    void aDetachedReferrerLosesItsManifestAndGcThenTakesWhatOnlyItUsed() throws IOException {
        Path file = Files.writeString(root.resolve("only-the-signature.txt"), "signature bytes");
        Descriptor sig = ArtifactPush.builder().artifactType("a/sig").file(file, "text/plain").subject(image).build()
                .attach(layout, image, new SubjectAnnotationStrategy(), null);
        Descriptor layer = layout.readManifest(sig).children().stream()
                .filter(c -> c.mediaType().equals("text/plain")).findFirst().orElseThrow();
        Referrers.Detached d = Referrers.detach(layout, sig.digest());
        assertTrue(d.manifestRemoved(), String.valueOf(d.keptBecause()));
        assertTrue(!layout.blobs().exists(sig.digest()), "the manifest is gone, so gc cannot keep it as a referrer");
        GarbageCollector.run(layout, new GarbageCollector.Policy(false, Duration.ZERO, false));
        assertTrue(!layout.blobs().exists(layer.digest()), "its layer goes at the next gc");
        assertTrue(layout.blobs().exists(image.digest()));
    }

    @Test
    void aDetachedReferrerThatATagNamesKeepsItsManifest() throws IOException {
        Descriptor sig = attach(image, "a/sig", new SubjectAnnotationStrategy());
        layout.index().update(i -> Tags.tag(i, "the-signature", sig));
        Referrers.Detached d = Referrers.detach(layout, sig.digest());
        assertTrue(!d.manifestRemoved());
        assertEquals("tag the-signature names it", d.keptBecause());
        assertTrue(layout.blobs().exists(sig.digest()));
    }

    @Test
    void everyReaderWritesBothConventionsInStepAndEachReferrerIsFoundOnce() throws IOException {
        Descriptor one = attach(image, "a/one", new EveryReaderStrategy());
        Descriptor two = attach(image, "a/two", new EveryReaderStrategy());
        var index = layout.index().read();
        assertTrue(index.manifests().stream().anyMatch(ReferrerIndex::isFallbackEntry), "the fallback tag");
        assertEquals(2, index.manifests().stream().filter(d -> d.refName() == null
                && d.annotation(ReferrerKeys.CONTAINERD_SUBJECT) != null).count(), "an annotated entry per referrer");
        List<Referrer> found = ReferrerIndex.build(layout, false).referrers(image.digest(), null);
        assertEquals(List.of(one.digest(), two.digest()), found.stream().map(r -> r.descriptor().digest()).toList());
        assertEquals(Set.of(Source.SUBJECT_ANNOTATION, Source.FALLBACK_TAG), found.get(0).sources());
        assertEquals(EveryReaderStrategy.NAME, Referrers.detected(index).name());
        Referrers.detach(layout, one.digest());
        ReferrerIndex after = ReferrerIndex.build(layout, false);
        assertEquals(List.of(two.digest()), referrers(image.digest(), null));
        assertEquals(Set.of(Source.SUBJECT_ANNOTATION, Source.FALLBACK_TAG),
                after.referrers(image.digest(), null).get(0).sources(), "removed from both, the other kept in both");
    }

    @Test
    void theConventionOfAnIndexIsDetectedFromWhatItRecords() throws IOException {
        assertEquals(null, Referrers.detected(layout.index().read()), "no referrers: no convention");
        attach(image, "a/one", new FallbackTagStrategy());
        assertEquals(FallbackTagStrategy.NAME, Referrers.detected(layout.index().read()).name());
        var empty = dev.ocilayout.model.ImageIndex.empty();
        assertEquals(FallbackTagStrategy.NAME, Referrers.forCopy(empty, layout.index().read()).name(),
                "a destination with none takes the source's");
        assertEquals(null, Referrers.forCopy(empty, null));
        Referrers.convert(layout, new SubjectAnnotationStrategy(), false, false);
        assertEquals(SubjectAnnotationStrategy.NAME, Referrers.forCopy(layout.index().read(), empty).name(),
                "a destination with its own keeps it");
    }

    @Test
    void convertingToWhatIsThereChangesNothingAndSaysSo() throws IOException {
        attach(image, "a/one", new FallbackTagStrategy());
        Referrers.ConvertReport first = Referrers.convert(layout, new EveryReaderStrategy(), false, false);
        assertTrue(first.changed());
        Referrers.ConvertReport again = Referrers.convert(layout, new EveryReaderStrategy(), false, false);
        assertTrue(!again.changed());
        assertEquals(0, again.bookkeepingRemoved(), "records rewritten as they were are not removed ones");
        assertEquals(1, again.referrers());
    }

    @Test
    void anAttestationInsideAnImageCannotBeDetached() throws IOException {
        Path dir = TestData.copy("referrers/buildkit-oci-artifact", root.resolve("bk"));
        Layout bk = Layout.open(dir);
        ReferrerFixtures.Contents c = ReferrerFixtures.build(root.resolve("scratch"), "buildkit-oci-artifact");
        assertThrows(UnsupportedException.class, () -> Referrers.detach(bk, c.sbom().digest()));
    }

    @Test
    void gcDropsBookkeepingWhoseSubjectIsGoneAndKeepsItOtherwise() throws IOException {
        Path dir = TestData.copy("referrers/regclient", root.resolve("rc"));
        Layout rc = Layout.open(dir);
        GarbageCollector.Policy now = new GarbageCollector.Policy(false, Duration.ZERO, false);
        Set<Digest> before = stored(rc);
        assertEquals(List.of(), GarbageCollector.run(rc, now).removed());
        assertEquals(before, stored(rc));
        rc.index().update(i -> Tags.untag(i, "v1"));
        GarbageCollector.Report r = GarbageCollector.run(rc, now);
        assertEquals(2, r.droppedEntries().size(), "both fallback tags");
        assertEquals(Set.of(), stored(rc));
        assertEquals(List.of(), rc.index().read().manifests());
    }

    static Set<Digest> stored(Layout l) throws IOException {
        return l.blobs().scan().stream().filter(f -> f.isBlob()).map(f -> f.digest()).collect(Collectors.toSet());
    }
}
