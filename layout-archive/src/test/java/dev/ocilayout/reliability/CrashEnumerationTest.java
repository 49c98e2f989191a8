package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.FaultFs;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import dev.ocilayout.testing.TwoImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash enumeration (reliability.md G1-G3, G5): every mutating operation runs once per operation k of the
 * file-system seam with a fault at k, in both modes: an I/O error at k, and a power cut at k (the disk
 * keeps only what was fsynced). Each scenario is two steps, the operation under test and then a tag, so
 * that a step that reported success before the fault is checked for being fully there afterwards. After
 * every fault: the layout opens, fsck finds no error, and every completed step's effect is present.
 */
class CrashEnumerationTest {
    interface Action {
        void run(Layout layout) throws IOException;
    }

    record Step(String name, Action action, Action check) {
    }

    record Scenario(String name, boolean createLayout, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final byte[] ARCHIVE = archive();

    static byte[] archive() {
        try {
            Layout other = Layout.create(TestFs.unixRoot().resolve("archive-src"));
            LayoutBuilder b = new LayoutBuilder(other);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LayoutExport.export(other, List.of(new LayoutExport.Root(b.image("other", "layer-x", "shared"), "imported")), out,
                    new LayoutExport.Options(false, List.of(), null), null);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Step tagLast() {
        return new Step("tag last", l -> l.index().update(i -> Tags.tag(i, "last", l.resolveTag("v1"))),
                l -> l.resolveTag("last"));
    }

    static void oneReferrerOfV1(Layout l) throws IOException {
        ReferrerIndex index = ReferrerIndex.build(l, false);
        assertEquals(1, index.referrers(l.resolveTag("v1").digest(), null).size(), index.problems().toString());
    }

    static ArtifactPush sbom(Path file) {
        return ArtifactPush.builder().artifactType("application/spdx+json").file(file, "application/spdx+json").build();
    }

    static Step attachToV1() {
        return new Step("attach", l -> ArtifactPush.builder()
                .artifactType("application/spdx+json").file(l.root().resolveSibling("sbom.json"), "application/spdx+json")
                .subject(l.resolveTag("v1")).build().attach(l, l.resolveTag("v1"), new SubjectAnnotationStrategy(), null),
                CrashEnumerationTest::oneReferrerOfV1);
    }

    static Stream<Scenario> scenarios() {
        List<Scenario> all = new ArrayList<>();
        all.add(new Scenario("init", true, List.of(new Step("init", l -> { }, l -> l.index().read()),
                new Step("push", l -> sbom(l.root().resolveSibling("sbom.json")).push(l, "pushed", null),
                        l -> l.readManifest(l.resolveTag("pushed"))))));
        all.add(new Scenario("push", false, List.of(new Step("push",
                l -> sbom(l.root().resolveSibling("sbom.json")).push(l, "pushed", null),
                l -> l.readManifest(l.resolveTag("pushed"))), tagLast())));
        all.add(new Scenario("tag", false, List.of(new Step("tag",
                l -> l.index().update(i -> Tags.tag(i, "v1.0", l.resolveTag("v1"))),
                l -> assertEquals(l.resolveTag("v1").digest(), l.resolveTag("v1.0").digest())), tagLast())));
        all.add(new Scenario("untag", false, List.of(new Step("untag",
                l -> l.index().update(i -> Tags.untag(i, "v2")),
                l -> assertTrue(Tags.entries(l.index().read(), "v2").isEmpty())), tagLast())));
        all.add(new Scenario("attach", false, List.of(attachToV1(), tagLast())));
        all.add(new Scenario("convert", false, List.of(
                attachToV1(),
                new Step("convert", l -> Referrers.convert(l, new FallbackTagStrategy(), false, false),
                        CrashEnumerationTest::oneReferrerOfV1),
                tagLast())));
        all.add(new Scenario("import", false, List.of(new Step("import",
                l -> LayoutImport.importArchive(l, new ByteArrayInputStream(ARCHIVE), "a.tar", LayoutImport.Options.defaults(), null),
                l -> l.readManifest(l.resolveTag("imported"))), tagLast())));
        all.add(new Scenario("gc", false, List.of(
                new Step("untag v2", l -> l.index().update(i -> Tags.untag(i, "v2")), l -> { }),
                new Step("gc", l -> GarbageCollector.run(l, new GarbageCollector.Policy(true, Duration.ZERO, false)),
                        l -> assertTrue(!l.blobs().exists(Digest.sha256("layer-b".getBytes(StandardCharsets.UTF_8))),
                                "v2's own layer is collected")),
                tagLast())));
        return all.stream();
    }

    /** A fresh base: a layout with v1 and v2 (or only its directory, for init), and a file to push. */
    static Path base(Scenario s) throws IOException {
        Path dir = TestFs.unixRoot().resolve("layout");
        if (s.createLayout()) {
            Files.createDirectories(dir);
        } else {
            TwoImages.create(dir);
        }
        Files.writeString(dir.resolveSibling("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        return dir;
    }

    /** Runs the steps through {@code fs}; returns how many completed. */
    static int run(Scenario s, Path dir, FaultFs fs) {
        int done = 0;
        try {
            LayoutOptions options = LayoutOptions.defaults().withFs(fs);
            Layout layout = s.createLayout() ? Layout.create(dir, options) : Layout.open(dir, options);
            for (Step step : s.steps()) {
                step.action().run(layout);
                done++;
            }
        } catch (IOException | FaultFs.PowerCut | java.io.UncheckedIOException e) {
            // the fault under test
        } catch (RuntimeException e) {
            if (!(rootCause(e) instanceof FaultFs.PowerCut) && !(rootCause(e) instanceof IOException)) {
                throw e;
            }
        }
        return done;
    }

    static String listing(Path layout) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> all = Files.walk(layout.resolve("blobs"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String c = Files.readString(p);
                sb.append(p.getFileName().toString(), 0, 6).append('=').append(c.length() > 300 ? c.substring(0, 300) : c).append(" | ");
            }
        }
        return sb.toString();
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyFaultPointLeavesAConsistentLayoutWithEveryAcknowledgedStep(Scenario s) throws IOException {
        Path clean = base(s);
        FaultFs counter = new FaultFs(clean);
        assertEquals(s.steps().size(), run(s, clean, counter), s + " runs clean without faults");
        int points = counter.operations();
        int checked = 0;
        for (FaultFs.Mode mode : new FaultFs.Mode[] {FaultFs.Mode.THROW, FaultFs.Mode.POWER_CUT}) {
            for (int k = 1; k <= points; k++) {
                Path dir = base(s);
                FaultFs fs = new FaultFs(dir, mode, k);
                int done = run(s, dir, fs);
                Path after = mode == FaultFs.Mode.POWER_CUT ? fs.afterPowerCut() : dir;
                String where = s + ", " + mode + " at operation " + k + " of " + points + ", " + done + " steps done";
                if (done == 0 && s.createLayout() && Files.notExists(after.resolve("oci-layout"))) {
                    checked++;
                    continue; // init never finished: no layout yet, which is what it reported
                }
                Layout layout;
                try {
                    layout = Layout.open(after);
                } catch (IOException e) {
                    throw new AssertionError(where + ": the layout does not open: " + e.getMessage(), e);
                }
                Fsck.Report f = Fsck.check(layout, 1, null);
                assertEquals(0, f.count(Finding.Severity.ERROR), where + ": " + f.findings());
                for (int i = 0; i < done; i++) {
                    try {
                        s.steps().get(i).check().run(layout);
                    } catch (IOException | AssertionError e) {
                        throw new AssertionError(where + ": acknowledged step '" + s.steps().get(i).name() + "' is lost: " + e
                                + "; index.json: " + Files.readString(after.resolve("index.json")).replaceAll("\\s+", "")
                                + "; blobs: " + listing(after), e);
                    }
                }
                checked++;
            }
        }
        System.out.println("crash enumeration: " + s + ": " + points + " fault points x 2 modes = " + checked + " checked");
        assertEquals(2 * points, checked);
    }
}
