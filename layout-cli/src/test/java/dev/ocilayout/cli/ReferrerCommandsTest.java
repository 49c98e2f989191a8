package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** attach, discover, detach and referrers detect/convert from the command line. */
class ReferrerCommandsTest {
    @TempDir
    Path tmp;
    Path layout;
    Path sbom;
    String image;

    @BeforeEach
    void setUp() throws Exception {
        layout = tmp.resolve("layout");
        sbom = TestData.dir().resolve("files/sbom.spdx.json");
        Cli.Result r = Cli.run("push", layout + ":v1", TestData.dir().resolve("files/hello.txt").toString());
        assertEquals(0, r.exit(), r.toString());
        image = r.out().trim();
    }

    static JsonNode json(Cli.Result r) throws Exception {
        return ModelJson.mapper().readTree(r.out());
    }

    String attach(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "attach";
        args[1] = layout + ":v1";
        args[2] = sbom + ":application/spdx+json";
        args[3] = "--artifact-type=application/spdx+json";
        System.arraycopy(extra, 0, args, 4, extra.length);
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        return r.out().trim();
    }

    @ParameterizedTest
    @ValueSource(strings = {"subject-annotation", "referrer-subject", "fallback-tag"})
    void attachThenDiscoverPrintsTheRegistrysReferrersResponse(String strategy) throws Exception {
        String sbomDigest = attach("--referrers", strategy, "-a", "org.example.k=v");
        JsonNode response = json(Cli.run("discover", layout + ":v1", "--format", "json"));
        assertEquals(2, response.get("schemaVersion").asInt());
        assertEquals("application/vnd.oci.image.index.v1+json", response.get("mediaType").asText());
        JsonNode d = response.get("manifests").get(0);
        assertEquals(sbomDigest, d.get("digest").asText());
        assertEquals("application/spdx+json", d.get("artifactType").asText());
        assertEquals("v", d.get("annotations").get("org.example.k").asText());
        JsonNode detect = json(Cli.run("referrers", "detect", layout.toString(), "--format", "json"));
        assertEquals(strategy, detect.get("strategyForNewWrites").asText(), "new writes follow what the layout uses");
    }

    @Test
    void discoverShowsReferrersOfReferrersAndFilters() throws Exception {
        String sbomDigest = attach();
        Cli.Result sig = Cli.run("attach", layout + "@" + sbomDigest, sbom.toString(), "--artifact-type", "application/vnd.example.sig");
        assertEquals(0, sig.exit(), sig.toString());
        Cli.Result tree = Cli.run("discover", layout + ":v1");
        assertTrue(tree.out().contains("├── application/spdx+json " + sbomDigest) || tree.out().contains("└── application/spdx+json " + sbomDigest), tree.out());
        assertTrue(tree.out().contains("    └── application/vnd.example.sig " + sig.out().trim()), tree.out());
        assertEquals(0, json(Cli.run("discover", layout + ":v1", "--format", "json", "--artifact-type", "x/y")).get("manifests").size());
        assertTrue(Cli.run("discover", layout + ":v1", "--depth", "1").out().lines().noneMatch(l -> l.contains("example.sig")));
    }

    @Test
    void detachRemovesItAndTheLayoutStaysValid() throws Exception {
        String sbomDigest = attach("--referrers", "fallback-tag");
        assertEquals(0, Cli.run("detach", layout + "@" + sbomDigest).exit());
        assertEquals(0, json(Cli.run("discover", layout + ":v1", "--format", "json")).get("manifests").size());
        assertEquals("v1\n", Cli.run("tags", layout.toString()).out(), "the empty fallback tag is gone");
        Cli.Result again = Cli.run("detach", layout + "@" + sbomDigest);
        assertEquals(3, again.exit(), again.toString());
    }

    @Test
    void convertRewritesTheBookkeepingAndDiscoverStillFindsEverything() throws Exception {
        String sbomDigest = attach();
        for (String to : new String[] {"fallback-tag", "referrer-subject", "subject-annotation"}) {
            Cli.Result r = Cli.run("referrers", "convert", layout.toString(), "--to", to, "--format", "json");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(1, json(r).get("referrers").asInt());
            assertEquals(sbomDigest, json(Cli.run("discover", layout + ":v1", "--format", "json"))
                    .get("manifests").get(0).get("digest").asText());
        }
        assertEquals(2, Cli.run("referrers", "convert", layout.toString(), "--to", "nonsense").exit());
    }

    @Test
    void gcKeepsAttachedReferrersWhileTheSubjectIsTagged() throws Exception {
        String sbomDigest = attach("--referrers", "referrer-subject");
        Cli.run("gc", layout.toString(), "--grace", "0s", "-q");
        assertTrue(Files.exists(layout.resolve("blobs/sha256/" + sbomDigest.substring(7))));
        Cli.run("untag", layout + ":v1");
        Cli.run("gc", layout.toString(), "--grace", "0s", "-q");
        assertTrue(Files.notExists(layout.resolve("blobs/sha256/" + sbomDigest.substring(7))));
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }

    @Test
    void attachNeedsAnArtifactType() {
        Cli.Result r = Cli.run("attach", layout + ":v1", sbom.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--artifact-type is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"subject-annotation", "referrer-subject", "fallback-tag"})
    void skopeoAndUmociStillReadALayoutWithEachConvention(String strategy) throws Exception {
        attach("--referrers", strategy);
        PeerTools.require("skopeo");
        PeerTools.run(tmp, "skopeo", "inspect", "--raw", "oci:" + layout + ":v1").assertOk("skopeo inspect");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + layout + ":v1", "oci:" + tmp.resolve("copy") + ":v1")
                .assertOk("skopeo copy");
        PeerTools.require("umoci");
        PeerTools.Result ls = PeerTools.run(tmp, "umoci", "ls", "--layout", layout.toString()).assertOk("umoci ls");
        assertTrue(ls.stdout().lines().anyMatch("v1"::equals), ls.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"subject-annotation", "referrer-subject", "fallback-tag"})
    void convertMovesCosignTypedReferrersToCosignsTagsAndBackLosslessly(String strategy) throws Exception {
        String type = "application/vnd.dev.cosign.artifact.sig.v1+json";
        Path payload = Files.writeString(tmp.resolve("payload.json"), "{\"critical\":{}}");
        Cli.Result attached = Cli.run("attach", layout + ":v1", payload + ":application/vnd.dev.cosign.simplesigning.v1+json",
                "--artifact-type", type, "--referrers", strategy);
        assertEquals(0, attached.exit(), attached.toString());
        String sig = attached.out().trim();
        attach("--referrers", strategy);
        JsonNode before = json(Cli.run("discover", layout + ":v1", "--format", "json"));
        String tag = "sha256-" + image.substring(7) + ".sig";

        Cli.Result toCosign = Cli.run("referrers", "convert", layout.toString(), "--to", "cosign-tag");
        assertEquals(0, toCosign.exit(), toCosign.toString());
        assertEquals(sig, Cli.run("resolve", layout + ":" + tag).out().trim(), "the cosign-typed referrer has cosign's tag");
        assertEquals(before, json(Cli.run("discover", layout + ":v1", "--format", "json")), "the same referrers");
        JsonNode detected = json(Cli.run("referrers", "detect", layout.toString(), "--format", "json"));
        assertTrue(detected.toString().contains("cosign-tag"), detected.toString());

        Cli.Result back = Cli.run("referrers", "convert", layout.toString(), "--to", strategy);
        assertEquals(0, back.exit(), back.toString());
        assertEquals(3, Cli.run("resolve", layout + ":" + tag).exit(), "the tag moved back into the records");
        assertEquals(before, json(Cli.run("discover", layout + ":v1", "--format", "json")), "the same referrers");
        Cli.Result again = Cli.run("referrers", "convert", layout.toString(), "--to", strategy, "--format", "json");
        assertEquals(false, json(again).get("changed").asBoolean(), "converting twice changes nothing: " + again);
    }

    @Test
    void cosignsLegacySignatureTagNamesNoSubjectAndStaysATagThroughConversions() throws Exception {
        Path prefix = tmp.resolve("k");
        assertEquals(0, Cli.run("key", "generate", "-o", prefix.toString()).exit());
        assertEquals(0, Cli.run("sign", layout + ":v1", "--key", prefix + ".key").exit());
        String tag = "sha256-" + image.substring(7) + ".sig";
        String sig = Cli.run("resolve", layout + ":" + tag).out().trim();
        for (String to : List.of("fallback-tag", "subject-annotation", "cosign-tag", "every-reader")) {
            Cli.Result r = Cli.run("referrers", "convert", layout.toString(), "--to", to);
            assertEquals(0, r.exit(), r.toString());
            assertEquals("", r.err(), "no stale records: " + r);
            assertEquals(sig, Cli.run("resolve", layout + ":" + tag).out().trim(), "after --to " + to);
            assertEquals(0, Cli.run("verify", layout + ":v1", "--key", prefix + ".pub").exit(), "still signed");
        }
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }
}
