package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.LockHolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: exit codes, output, and one-line errors. */
class CliTest {
    @TempDir
    Path tmp;
    Path layout;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        layout = tmp.resolve("layout");
        file = Files.writeString(tmp.resolve("hello.txt"), "hello\n");
    }

    static JsonNode json(Cli.Result r) throws Exception {
        return ModelJson.mapper().readTree(r.out());
    }

    static void assertOneLineError(Cli.Result r, int exit, String contains) {
        assertEquals(exit, r.exit(), r.toString());
        assertTrue(r.err().startsWith("oci-layout: "), r.toString());
        assertTrue(r.err().contains(contains), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r);
    }

    String push(String tag) {
        Cli.Result r = Cli.run("push", layout + ":" + tag, file + ":text/plain", "--artifact-type", "application/vnd.test");
        assertEquals(0, r.exit(), r.toString());
        return r.out().trim();
    }

    @Test
    void initCreatesALayoutAndIsIdempotent() {
        assertEquals(0, Cli.run("init", layout.toString()).exit());
        Cli.Result again = Cli.run("init", layout.toString(), "--format", "json");
        assertEquals(0, again.exit());
        assertTrue(again.out().contains("\"layout\""));
        assertTrue(Files.exists(layout.resolve("oci-layout")));
    }

    @Test
    void pushPrintsTheManifestDigestAndTagsIt() throws Exception {
        String digest = push("v1");
        assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
        assertEquals(digest, Cli.run("resolve", layout + ":v1").out().trim());
        Cli.Result json = Cli.run("push", layout + ":v2", file.toString(), "--format", "json");
        JsonNode n = json(json);
        assertEquals("application/vnd.oci.image.manifest.v1+json", n.get("mediaType").asText());
        assertTrue(n.get("size").asLong() > 0);
        assertTrue(n.get("digest").asText().startsWith("sha256:"));
    }

    @Test
    void pushTakesConfigAndAnnotations() throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"a\":1}");
        Cli.Result r = Cli.run("push", layout + ":cfg", "--config", config + ":application/vnd.example.config.v1+json",
                "-a", "org.opencontainers.image.source=https://example.com", file.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode m = ModelJson.mapper().readTree(Cli.run("cat", layout + ":cfg").outBytes());
        assertEquals("application/vnd.example.config.v1+json", m.get("config").get("mediaType").asText());
        assertEquals("https://example.com", m.get("annotations").get("org.opencontainers.image.source").asText());
    }

    @Test
    void catPrintsTheStoredBytesExactly() throws Exception {
        String digest = push("v1");
        byte[] stored = Files.readAllBytes(layout.resolve("blobs/sha256/" + digest.substring(7)));
        assertArrayEquals(stored, Cli.run("cat", layout + ":v1").outBytes());
        assertArrayEquals(stored, Cli.run("cat", layout + "@" + digest).outBytes());
    }

    @Test
    void pullWritesFilesBack() throws Exception {
        push("v1");
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run("pull", layout + ":v1", "-o", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hello\n", Files.readString(out.resolve("hello.txt")));
        assertTrue(r.out().contains("hello.txt"));
    }

    @Test
    void tagsListsFiltersAndPrintsJson() throws Exception {
        push("v1");
        assertEquals(0, Cli.run("tag", layout + ":v1", "v1.0", "latest", "v2-rc1").exit());
        assertEquals("latest\nv1\nv1.0\nv2-rc1\n", Cli.run("tags", layout.toString()).out());
        assertEquals("v1\nv1.0\n", Cli.run("tags", layout.toString(), "--include", "v1.*").out());
        assertEquals("latest\nv1\nv1.0\n", Cli.run("tags", layout.toString(), "--exclude", ".*-rc.*").out());
        JsonNode tags = json(Cli.run("tags", layout.toString(), "--format", "json"));
        assertEquals(4, tags.size());
        assertEquals("latest", tags.get(0).get("tag").asText());
        assertTrue(tags.get(0).get("digest").asText().startsWith("sha256:"));
    }

    @Test
    void untagRemovesAllNamedTagsOrNone() {
        push("v1");
        Cli.run("tag", layout + ":v1", "v2", "v3");
        assertOneLineError(Cli.run("untag", layout + ":v2", layout + ":nope"), 3, "tag nope not found");
        assertEquals("v1\nv2\nv3\n", Cli.run("tags", layout.toString()).out());
        assertEquals(0, Cli.run("untag", layout + ":v2", layout + ":v3").exit());
        assertEquals("v1\n", Cli.run("tags", layout.toString()).out());
    }

    @Test
    void blobPutAndGetRoundTripVerified() throws Exception {
        Cli.run("init", layout.toString());
        Cli.Result put = Cli.run("blob", "put", layout.toString(), file.toString());
        assertEquals(0, put.exit(), put.toString());
        String digest = put.out().trim();
        assertEquals("hello\n", Cli.run("blob", "get", layout + "@" + digest).out());
        Path out = tmp.resolve("copy.txt");
        assertEquals(0, Cli.run("blob", "get", layout + "@" + digest, "-o", out.toString()).exit());
        assertEquals("hello\n", Files.readString(out));
        Cli.Result stdin = Cli.runWithInput("from stdin".getBytes(StandardCharsets.UTF_8), "blob", "put", layout.toString(), "-");
        assertEquals("from stdin", Cli.run("blob", "get", layout + "@" + stdin.out().trim()).out());
    }

    @Test
    void aCorruptBlobIsAnIntegrityErrorAndNoOutputFileAppears() throws Exception {
        Cli.run("init", layout.toString());
        String digest = Cli.run("blob", "put", layout.toString(), file.toString()).out().trim();
        Files.writeString(layout.resolve("blobs/sha256/" + digest.substring(7)), "HELLO\n");
        Path out = tmp.resolve("copy.txt");
        assertOneLineError(Cli.run("blob", "get", layout + "@" + digest, "-o", out.toString()), 4, "digest mismatch");
        assertFalse(Files.exists(out));
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temp output left");
        }
    }

    @Test
    void aMistypedCommandGetsTheNearestNames() {
        assertOneLineError(Cli.run("tgas", layout.toString()), 2, "'tgas' is not an oci-layout command; did you mean tags?");
        assertOneLineError(Cli.run("blob", "gte"), 2, "'gte' is not an oci-layout blob command; did you mean get?");
    }

    @Test
    void badArgumentsToPushExitTwoAndNameWhatIsWrong() throws Exception {
        Path sbom = Files.writeString(tmp.resolve("sbom.json"), "{}");
        assertOneLineError(Cli.run("push", layout + ":v9", sbom + ":spdx"), 2, "'spdx' in '" + sbom
                + ":spdx' is not a media type: write FILE:TYPE/SUBTYPE");
        assertOneLineError(Cli.run("push", layout + ":v9", sbom + ":app/x y"), 2, "invalid media type");
        assertOneLineError(Cli.run("push", layout + ":v9", sbom.toString(), "--artifact-type", "x y"), 2,
                "invalid artifact type");
        assertOneLineError(Cli.run("tag", layout + ":v1", "bad tag!"), 2, "invalid tag");
    }

    @Test
    void aBadRegularExpressionIsOneLineSayingWhere() {
        Cli.Result r = Cli.run("tags", layout.toString(), "--include", "([");
        assertOneLineError(r, 2, "'([' is not a regular expression: Unclosed character class at character 2");
        assertEquals(2, r.err().lines().count(), "the message and the pointer to --help: " + r.err());
    }

    @Test
    void initOfAnExistingLayoutSaysSoAndChangesNothing() throws Exception {
        assertEquals("Initialized OCI layout in " + layout + "\n", Cli.run("init", layout.toString()).out());
        byte[] index = Files.readAllBytes(layout.resolve("index.json"));
        Cli.Result r = Cli.run("init", layout.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(layout + " is already an OCI layout (left as it is)\n", r.out());
        assertArrayEquals(index, Files.readAllBytes(layout.resolve("index.json")));
    }

    @Test
    void serveOnABusyPortSaysWhichAddressAndWhatToDo() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("serve", layout.toString(), "--listen", "127.0.0.1:" + busy.getLocalPort());
            assertOneLineError(r, 1, "cannot serve on 127.0.0.1:" + busy.getLocalPort());
            assertTrue(r.err().contains("choose another address with --listen"), r.err());
            assertFalse(r.err().contains("IOException"), r.err());
        }
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        Cli.Result r = Cli.run("tag", "dir:v1", "bad tag");
        assertOneLineError(r, 2, "invalid tag");
        assertTrue(r.err().contains("--help"));
        assertOneLineError(Cli.run("resolve", "dir@sha256:../../etc"), 2, "invalid digest");
        assertOneLineError(Cli.run("nonsense"), 2, "'nonsense' is not an oci-layout command");
        assertOneLineError(Cli.run("tags", layout.toString(), "--lock-timeout", "soon"), 2, "invalid duration");
        assertOneLineError(Cli.run("resolve", layout.toString()), 2, "names no tag or digest");
    }

    @Test
    void missingThingsExitThree() {
        assertOneLineError(Cli.run("tags", tmp.resolve("nope").toString()), 3, "does not exist");
        push("v1");
        assertOneLineError(Cli.run("resolve", layout + ":v9"), 3, "tag \"v9\" not found");
        assertOneLineError(Cli.run("blob", "get", layout + "@sha256:" + "0".repeat(64)), 3, "not found");
        assertOneLineError(Cli.run("push", layout + ":v2", tmp.resolve("missing.txt").toString()), 3, "not found");
    }

    @Test
    void aCorruptIndexJsonExitsFiveAndIsLeftUnchanged() throws Exception {
        push("v1");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":null}");
        assertOneLineError(Cli.run("tag", layout + "@sha256:" + "0".repeat(64), "v2"), 5, "index.json");
        assertOneLineError(Cli.run("push", layout + ":v3", file.toString()), 5, "index.json");
        assertEquals("{\"schemaVersion\":2,\"manifests\":null}", Files.readString(layout.resolve("index.json")));
        assertOneLineError(Cli.run("tags", tmp.toString()), 5, "not an OCI layout");
    }

    @Test
    void aHeldLockExitsSixAfterTheTimeout() throws Exception {
        push("v1");
        try (LockHolder holder = LockHolder.hold(layout)) {
            assertOneLineError(Cli.run("tag", layout + ":v1", "v2", "--lock-timeout", "300ms"), 6, "locked");
        }
    }

    @Test
    void debugPrintsTheStackTrace() {
        Cli.Result r = Cli.run("--debug", "tags", tmp.resolve("nope").toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    @Test
    void layoutOptionHandlesPathsWithColons() {
        Path odd = tmp.resolve("with:colon");
        assertEquals(0, Cli.run("init", "--layout", odd.toString()).exit());
        assertEquals(0, Cli.run("push", "--layout", odd.toString(), "v1", file.toString()).exit());
        assertEquals("v1\n", Cli.run("tags", "--layout", odd.toString()).out());
        String digest = Cli.run("resolve", "--layout", odd.toString(), "v1").out().trim();
        assertEquals(digest, Cli.run("resolve", "--layout", odd.toString(), "@" + digest).out().trim());
    }

    @Test
    void helpShowsExamplesAndExitCodesAndVersionWorks() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:"), help.out());
        assertTrue(help.out().contains("6   layout locked"), help.out());
        for (String cmd : new String[] {"init", "push", "pull", "tags", "tag", "untag", "resolve", "cat", "completion"}) {
            Cli.Result r = Cli.run(cmd, "--help");
            assertEquals(0, r.exit(), cmd);
            assertTrue(r.out().contains("Examples:"), cmd + " --help has examples");
        }
        assertTrue(Cli.run("blob", "put", "--help").out().contains("Examples:"));
        assertTrue(Cli.run("--version").out().startsWith("oci-layout "));
    }

    @Test
    void completionPrintsAScriptForBashAndZsh() {
        Cli.Result bash = Cli.run("completion", "bash");
        assertEquals(0, bash.exit());
        assertTrue(bash.out().contains("complete -F"), "bash completion");
        assertTrue(Cli.run("completion", "zsh").out().contains("bashcompinit"));
        assertTrue(Cli.run("completion", "--help").out().contains("> \"${fpath[1]}/_oci-layout\""),
                "the zsh example keeps its shell variable (picocli would read it as its own and print null)");
        assertEquals(2, Cli.run("completion", "fish").exit());
    }

    @Test
    void quietSuppressesConfirmationsButNotData() {
        push("v1");
        assertEquals("", Cli.run("tag", layout + ":v1", "v2", "-q").out());
        assertFalse(Cli.run("tag", layout + ":v1", "v3").out().isEmpty());
        assertEquals("v1\nv2\nv3\n", Cli.run("tags", "-q", layout.toString()).out());
    }
}
