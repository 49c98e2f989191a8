package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oci-layout lint} at the command line, on the seed-shapes fixture. */
class LintCommandTest {
    static final Path SEEDS = TestData.dir().resolve("seed-shapes");

    @TempDir
    Path tmp;

    @Test
    void cleanContentExitsZero() {
        Cli.Result r = Cli.run("lint", TestData.dir().resolve("example-layout").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("ok: 1 document; 0 errors, 0 warnings, 0 notes"), r.toString());
    }

    @Test
    void anErrorExitsOneAndNamesCodePathAndFix() {
        Cli.Result r = Cli.run("lint", SEEDS + ":artifact-no-config");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("  error   OCI-ARTIFACT-NO-CONFIG $.config: config is required"), r.out());
        assertTrue(r.out().contains("          fix: set \"config\": {\"mediaType\":\"application/vnd.oci.empty.v1+json\""), r.out());
    }

    @Test
    void warningsFailOnlyUnderStrict() {
        assertEquals(0, Cli.run("lint", SEEDS + ":artifact-empty-layers").exit());
        assertEquals(1, Cli.run("lint", SEEDS + ":artifact-empty-layers", "--strict").exit());
    }

    @Test
    void oneRegistryAddsItsFindingsWithItsOwnErrorText() {
        Cli.Result r = Cli.run("lint", SEEDS + ":artifact-empty-layers", "--registry", "ecr");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("  error   REG-ECR-EMPTY-LAYERS [ecr] $.layers: Amazon ECR refuses a manifest with no layers:"
                + " unsupported: Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Image has to have at least 1 layer'"),
                r.out());
    }

    @Test
    void allRegistriesPrintTheSeedsMatrix() {
        Cli.Result r = Cli.run("lint", SEEDS.toString(), "--registry", "all");
        assertEquals(1, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("manifest +distribution +dockerhub +quay +gcr +ar +ecr +azure"
                + " +artifactory +harbor +icr")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("[0-9a-f]{12} artifact-no-subject +ok +ok +ok +ok +ok +ok +ok +ok +ok +ok")),
                r.out());
        assertTrue(r.out().contains(". gcr: Manifest is missing required field \"layers\"."), r.out());
    }

    @Test
    void jsonGivesEveryFindingsFieldsAndTheMatrix() throws Exception {
        Cli.Result r = Cli.run("lint", SEEDS + ":cache", "--registry", "quay", "--registry", "distribution", "--format", "json");
        assertEquals(1, r.exit(), r.toString());
        JsonNode json = ModelJson.mapper().readTree(r.out());
        JsonNode quay = null;
        for (JsonNode f : json.get("findings")) {
            for (String field : List.of("code", "severity", "registry", "digest", "path", "message", "fix")) {
                assertTrue(f.has(field), field + " in " + f);
            }
            if ("quay".equals(f.get("registry").asText())) {
                quay = f;
            }
        }
        assertEquals("REG-QUAY-NON-MANIFEST-CHILD", quay.get("code").asText());
        assertEquals("error", quay.get("severity").asText());
        assertEquals("$.manifests[0].mediaType", quay.get("path").asText());
        JsonNode cells = json.at("/matrix/rows/0/cells");
        assertEquals("manifest invalid", cells.get("quay").asText());
        assertEquals("pass", cells.get("distribution").asText());
        assertTrue(json.at("/summary/failed").asBoolean());
    }

    @Test
    void profilesFromAFileJoinTheShippedOnes() throws Exception {
        Path file = Files.writeString(tmp.resolve("mine.json"), "{\"registries\":[{\"name\":\"inhouse\",\"rules\":[{\"code\":"
                + "\"REG-INHOUSE-ARBITRARY-CONFIG\",\"when\":\"ARBITRARY_CONFIG\",\"severity\":\"warning\",\"summary\":"
                + "\"flags old-style artifacts\",\"error\":\"policy: use artifactType\",\"source\":\"ops\",\"fix\":\"set artifactType\"}]}]}");
        Cli.Result r = Cli.run("lint", SEEDS + ":artifact", "--profiles", file.toString(), "--registry", "inhouse");
        assertEquals(0, r.exit(), "a warning-level rule: " + r);
        assertTrue(r.out().contains("warning REG-INHOUSE-ARBITRARY-CONFIG [inhouse]"), r.out());
    }

    @Test
    void anUnknownRegistryIsAUsageError() {
        Cli.Result r = Cli.run("lint", SEEDS.toString(), "--registry", "nope");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("oci-layout: unknown registry 'nope'; known: distribution, dockerhub"), r.err());
    }
}
