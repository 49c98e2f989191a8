package dev.ocilayout.referrers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.testing.ReferrerFixtures;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each tool's referrer convention, as testdata/referrers holds it: found by discover, kept by convert. */
class ReferrerConventionsTest {
    static final List<String> STRATEGIES = ReferrerStrategy.names();

    record Fixture(Layout layout, ReferrerFixtures.Contents contents) {
    }

    static Fixture open(String tool) throws IOException {
        Path dir = TestFs.unixRoot().resolve(tool);
        TestData.copy("referrers/" + tool, dir);
        // The digests are fixed by the generator; rebuilding in memory gives them without parsing the fixture.
        ReferrerFixtures.Contents c = ReferrerFixtures.build(TestFs.unixRoot().resolve("scratch"), tool);
        return new Fixture(Layout.open(dir), c);
    }

    static boolean scanBlobs(String tool) {
        return tool.equals("cosign");
    }

    /** subject → its referrers' digests, for every subject of the fixture. */
    static Map<Digest, Set<Digest>> referrerSets(Layout layout, ReferrerFixtures.Contents c, boolean scan) throws IOException {
        ReferrerIndex index = ReferrerIndex.build(layout, scan);
        Map<Digest, Set<Digest>> sets = new LinkedHashMap<>();
        for (Descriptor s : Stream.of(c.subject(), c.sbom()).filter(x -> x != null).toList()) {
            sets.put(s.digest(), index.referrers(s.digest(), null).stream().map(r -> r.descriptor().digest())
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        return sets;
    }

    static Map<Digest, Set<Digest>> expected(String tool, ReferrerFixtures.Contents c) {
        Map<Digest, Set<Digest>> m = new LinkedHashMap<>();
        if (tool.startsWith("buildkit") || tool.equals("cosign")) {
            m.put(c.subject().digest(), Set.of(c.sbom().digest()));
            m.put(c.sbom().digest(), Set.of());
        } else {
            m.put(c.subject().digest(), new TreeSet<>(Set.of(c.sbom().digest(), c.signature().digest())));
            m.put(c.sbom().digest(), Set.of(c.sbomSignature().digest()));
        }
        return m;
    }

    static List<String> tools() {
        return ReferrerFixtures.TOOLS;
    }

    static Stream<Arguments> toolsAndStrategies() {
        return tools().stream().flatMap(t -> STRATEGIES.stream().map(s -> Arguments.of(t, s)));
    }

    static Map<Source, Integer> nonZero(Map<Source, Integer> counts) {
        Map<Source, Integer> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            if (v > 0) {
                m.put(k, v);
            }
        });
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tools")
    void discoverFindsEveryReferrerWhoeverWroteIt(String tool) throws IOException {
        Fixture f = open(tool);
        assertEquals(expected(tool, f.contents()), referrerSets(f.layout(), f.contents(), scanBlobs(tool)));
        assertEquals(List.of(), ReferrerIndex.build(f.layout(), scanBlobs(tool)).problems());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tools")
    void responsesHaveTheDistributionSpecShape(String tool) throws IOException {
        Fixture f = open(tool);
        List<Referrer> refs = ReferrerIndex.build(f.layout(), scanBlobs(tool)).referrers(f.contents().subject().digest(), null);
        for (Referrer r : refs) {
            Descriptor d = r.descriptor();
            assertTrue(d.artifactType() != null, "artifactType set (manifest's, else the config's media type)");
            assertEquals(f.layout().readManifest(d).annotations(), d.annotations());
            assertEquals(List.of(), d.urls());
            assertTrue(d.platform() == null && d.data() == null);
        }
        if (!tool.startsWith("buildkit") && !tool.equals("cosign")) {
            Referrer sbom = ReferrerIndex.build(f.layout(), false).referrers(f.contents().subject().digest(),
                    "application/spdx+json").get(0);
            assertEquals("json", sbom.descriptor().annotation("org.example.sbom.format"));
        }
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("toolsAndStrategies")
    void convertingToEachStrategyKeepsTheReferrersSet(String tool, String strategy) throws IOException {
        Fixture f = open(tool);
        Map<Digest, Set<Digest>> before = referrerSets(f.layout(), f.contents(), scanBlobs(tool));
        Referrers.convert(f.layout(), ReferrerStrategy.named(strategy, false), false, scanBlobs(tool));
        assertEquals(before, referrerSets(f.layout(), f.contents(), false), "no blob scan needed after converting");
        Map<Source, Integer> counts = nonZero(ReferrerIndex.build(f.layout(), false).counts());
        Set<Source> expected = switch (strategy) {
            case SubjectAnnotationStrategy.NAME -> Set.of(Source.SUBJECT_ANNOTATION);
            case ResponseIndexStrategy.NAME -> Set.of(Source.REFERRER_SUBJECT);
            case EveryReaderStrategy.NAME -> Set.of(Source.SUBJECT_ANNOTATION, Source.FALLBACK_TAG);
            default -> Set.of(Source.FALLBACK_TAG);
        };
        assertTrue(counts.keySet().containsAll(expected), counts.toString());
        for (Source s : counts.keySet()) {
            assertTrue(expected.contains(s) || s == Source.NESTED || s == Source.BUILDKIT_LEGACY,
                    "only the target convention remains (and attestations inside images): " + counts);
        }
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("toolsAndStrategies")
    void aRoundTripGivesTheSameSetAndConvertingTwiceChangesNothing(String tool, String strategy) throws IOException {
        Fixture f = open(tool);
        Map<Digest, Set<Digest>> before = referrerSets(f.layout(), f.contents(), scanBlobs(tool));
        String other = strategy.equals(FallbackTagStrategy.NAME) ? SubjectAnnotationStrategy.NAME : FallbackTagStrategy.NAME;
        Referrers.convert(f.layout(), ReferrerStrategy.named(strategy, false), false, scanBlobs(tool));
        Referrers.convert(f.layout(), ReferrerStrategy.named(other, false), false, false);
        Referrers.convert(f.layout(), ReferrerStrategy.named(strategy, false), false, false);
        assertEquals(before, referrerSets(f.layout(), f.contents(), false));
        byte[] once = Files.readAllBytes(f.layout().files().indexJson());
        Referrers.convert(f.layout(), ReferrerStrategy.named(strategy, false), false, false);
        assertArrayEquals(once, Files.readAllBytes(f.layout().files().indexJson()), "a second convert is a no-op");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tools")
    void keepSourceAddsTheTargetBesideTheOriginal(String tool) throws IOException {
        Fixture f = open(tool);
        Map<Source, Integer> original = nonZero(ReferrerIndex.build(f.layout(), scanBlobs(tool)).counts());
        Referrers.convert(f.layout(), new FallbackTagStrategy(), true, scanBlobs(tool));
        Map<Source, Integer> after = nonZero(ReferrerIndex.build(f.layout(), scanBlobs(tool)).counts());
        for (Source s : original.keySet()) {
            assertTrue(after.containsKey(s), "source " + s + " kept: " + after);
        }
        assertTrue(after.containsKey(Source.FALLBACK_TAG));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tools")
    void detectChoosesTheLayoutsOwnConventionForNewWrites(String tool) throws IOException {
        Fixture f = open(tool);
        String expected = switch (tool) {
            case "regclient" -> FallbackTagStrategy.NAME;
            case "olareg", "pr1171" -> ResponseIndexStrategy.NAME;
            default -> SubjectAnnotationStrategy.NAME;
        };
        assertEquals(expected, Referrers.choose(f.layout(), null, false).name());
    }
}
