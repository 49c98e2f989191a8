package dev.ocilayout.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the linter adds to the spec checks: reading documents as they are, the walk, index.json, profiles. */
class LinterTest {
    Layout layout;
    LayoutBuilder b;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot().resolve("layout"));
        b = new LayoutBuilder(layout);
    }

    static List<String> codes(LintReport r) {
        return r.findings().stream().map(LintFinding::code).toList();
    }

    @Test
    void aManifestWithDuplicateKeysIsReportedNotThrown() throws IOException {
        Descriptor d = b.blob("{\"schemaVersion\":2,\"schemaVersion\":2,\"layers\":[]}", MediaType.OCI_MANIFEST);
        LintReport r = Linter.lint(layout, d, List.of());
        assertEquals(List.of("OCI-JSON-INVALID"), codes(r));
        assertTrue(r.findings().get(0).message().contains("Duplicate field 'schemaVersion'"), r.findings().get(0).message());
    }

    @Test
    void aMissingLayerIsAWarningOnTheManifestThatNamesIt() throws IOException {
        Descriptor config = b.blob("{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[]}}", MediaType.OCI_CONFIG);
        Descriptor m = b.manifest(config, null, null, LayoutBuilder.absent(MediaType.OCI_LAYER, 'f'));
        LintReport r = Linter.lint(layout, m, List.of());
        assertEquals(List.of("OCI-BLOB-MISSING"), codes(r));
        assertEquals(m.digest(), r.findings().get(0).digest());
        assertEquals(Severity.WARNING, r.findings().get(0).severity());
    }

    @Test
    void anImageConfigWithoutItsPlatformIsReportedOnTheConfig() throws IOException {
        Descriptor config = b.blob("{\"created\":\"now\"}", MediaType.OCI_CONFIG);
        Descriptor m = b.manifest(config, null, null, b.blob("layer", MediaType.OCI_LAYER));
        LintReport r = Linter.lint(layout, m, List.of());
        assertEquals(List.of("OCI-CONFIG-PLATFORM", "OCI-CREATED-FORMAT", "OCI-CONFIG-ROOTFS"), codes(r));
        assertEquals(config.digest(), r.findings().get(0).digest());
    }

    @Test
    void aLayoutLintChecksTheTagsOfIndexJson() throws IOException {
        Descriptor image = b.image("a", "l");
        Files.writeString(layout.root().resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"../../etc\"}}]}");
        LintReport r = Linter.lintLayout(layout, List.of());
        LintFinding f = r.findings().stream().filter(x -> x.code().equals("OCI-REF-NAME")).findFirst().orElseThrow();
        assertEquals(null, f.digest());
        assertTrue(f.message().startsWith("index.json: ref.name \"../../etc\""), f.message());
        assertEquals("$.manifests[0].annotations[\"org.opencontainers.image.ref.name\"]", f.path());
    }

    @Test
    void theWholeLayoutIsWalkedFromIndexJson() throws IOException {
        Descriptor a = b.image("a", "l");
        b.tag("a", a);
        b.tag("list", b.index(a, b.image("b", "m")));
        LintReport r = Linter.lintLayout(layout, List.of());
        assertEquals(3, r.documents().size());
        assertEquals("a", r.documents().get(0).name());
    }

    @Test
    void aProfileFromAFileAddsARegistryWithoutCode() throws IOException {
        String file = "{\"registries\":[{\"name\":\"inhouse\",\"title\":\"In-house registry\",\"rules\":[{\"code\":"
                + "\"REG-INHOUSE-SUBJECT\",\"when\":\"SUBJECT\",\"summary\":\"refuses referrers\",\"error\":\"denied\","
                + "\"source\":\"our ops team\",\"fix\":\"push referrers elsewhere\"}]}]}";
        RegistryProfiles profiles = RegistryProfiles.builtIn().with(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), "f");
        RegistryProfile inhouse = profiles.select(List.of("inhouse")).get(0);
        Descriptor image = b.image("a", "l");
        Descriptor sig = b.referrer(image, "application/vnd.example.sig", "sig");
        LintReport r = Linter.lint(layout, sig, List.of(inhouse));
        assertEquals("denied", r.cell(sig.digest(), inhouse));
        assertEquals(LintReport.PASS, r.cell(image.digest(), inhouse));
        assertEquals(11, profiles.all().size());
    }

    @Test
    void aProfileNamingAnUnknownFactIsRefusedWithTheChoices() {
        String file = "{\"registries\":[{\"name\":\"x\",\"rules\":[{\"code\":\"C\",\"when\":\"NO_SUCH\",\"summary\":\"s\","
                + "\"error\":\"e\",\"source\":\"s\",\"fix\":\"f\"}]}]}";
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> RegistryProfiles.builtIn()
                .with(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), "mine.json"));
        assertTrue(e.getMessage().startsWith("mine.json: registries[0].rules[0]: unknown fact"), e.getMessage());
        assertTrue(e.getMessage().contains("NO_CONFIG"), e.getMessage());
    }

    @Test
    void anUnknownRegistryNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryProfiles.builtIn().select(List.of("dockerhub", "nope")));
        assertTrue(e.getMessage().startsWith("unknown registry 'nope'; known: distribution, dockerhub, quay"), e.getMessage());
    }

    @Test
    void theShippedProfilesCoverTheIssuesRegistriesWithUniqueCodesNamedForThem() {
        List<RegistryProfile> all = RegistryProfiles.builtIn().all();
        assertEquals(List.of("distribution", "dockerhub", "quay", "gcr", "ar", "ecr", "azure", "artifactory", "harbor", "icr"),
                all.stream().map(RegistryProfile::name).toList());
        Set<String> codes = new HashSet<>();
        for (RegistryProfile p : all) {
            for (RegistryProfile.Rule rule : p.rules()) {
                assertTrue(codes.add(rule.code()), "unique: " + rule.code());
                assertTrue(rule.code().startsWith("REG-" + p.name().toUpperCase(Locale.ROOT) + "-"), rule.code());
                assertTrue(rule.source().startsWith("seed 00"), rule.source());
            }
        }
    }
}
