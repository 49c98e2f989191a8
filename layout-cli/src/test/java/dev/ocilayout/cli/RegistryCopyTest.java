package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copy} between layouts and registries: the distribution registry from Debian (2.8, no referrers API,
 * so referrers travel under the fallback tag), started on 127.0.0.1 by the test; and {@code oci-layout serve},
 * which has the referrers API.
 */
class RegistryCopyTest {
    @TempDir
    Path tmp;
    Distribution registry;

    @AfterEach
    void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    /** Starts docker-registry with filesystem storage in the temp folder; returns host:port. */
    String startDistribution() throws Exception {
        return startDistribution("");
    }

    String startDistribution(String extraConfig) throws Exception {
        registry = Distribution.start(tmp, extraConfig);
        return registry.host();
    }

    /** An umoci image with a signature and an SBOM attached. */
    Path imageWithReferrers() throws Exception {
        Path layout = InteropTest.umociImage(tmp);
        Path sig = Files.writeString(tmp.resolve("sig.json"), "{\"signature\":\"yes\"}");
        assertEquals(0, Cli.run("attach", layout + ":v1", sig + ":application/vnd.example.sig+json",
                "--artifact-type", "application/vnd.example.signature").exit());
        assertEquals(0, Cli.run("attach", layout + ":v1", TestData.dir().resolve("files/sbom.spdx.json")
                + ":application/spdx+json", "--artifact-type", "application/spdx+json").exit());
        return layout;
    }

    static List<String> referrerTypes(Path layout, String tag) throws Exception {
        JsonNode r = ModelJson.mapper().readTree(Cli.run("discover", layout + ":" + tag, "--format", "json").out());
        return r.get("manifests").findValuesAsText("artifactType").stream().sorted().toList();
    }

    static String digest(Path layout, String tag) {
        return Cli.run("resolve", layout + ":" + tag).out().trim();
    }

    @Test
    void anImageWithReferrersGoesToTheDistributionRegistryAndBackViaTheFallbackTag() throws Exception {
        String host = startDistribution();
        Path src = imageWithReferrers();
        Cli.Result push = Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http", "--referrers");
        assertEquals(0, push.exit(), push.toString());

        PeerTools.Result inspect = PeerTools.run(tmp, "skopeo", "inspect", "--tls-verify=false", "docker://" + host + "/team/app:v1");
        inspect.assertOk("skopeo inspect");
        assertEquals(digest(src, "v1"), ModelJson.mapper().readTree(inspect.stdout()).get("Digest").asText());
        HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + "/v2/team/app/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(tags.body().contains("\"sha256-" + digest(src, "v1").substring(7) + "\""), "fallback tag: " + tags.body());

        Path back = tmp.resolve("back");
        Cli.Result pull = Cli.run("copy", "docker://" + host + "/team/app:v1", back.toString(), "--plain-http", "--referrers");
        assertEquals(0, pull.exit(), pull.toString());
        assertEquals(digest(src, "v1"), digest(back, "v1"));
        assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(back, "v1"));
        assertEquals(0, Cli.run("fsck", back.toString()).exit());
    }

    @Test
    void aDamagedLocalBlobIsRefusedHereAsAnIntegrityErrorAndNothingIsTagged() throws Exception {
        String host = startDistribution();
        Path src = InteropTest.umociImage(tmp);
        JsonNode manifest = ModelJson.mapper().readTree(Cli.run("cat", src + ":v1").out());
        String layer = manifest.get("layers").get(0).get("digest").asText();
        Path blob = src.resolve("blobs/sha256/" + layer.substring(7));
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 1; // same size, other content
        blob.toFile().setWritable(true);
        Files.write(blob, bytes);
        Cli.Result r = Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http");
        CliTest.assertOneLineError(r, 4, layer);
        assertFalse(r.err().contains("DIGEST_INVALID"), r.err());
        Cli.Result tags = Cli.run("tags", host + "/team/app", "--plain-http");
        assertFalse(tags.out().contains("v1"), "nothing tagged: " + tags);
    }

    @Test
    void aRerunSkipsWhatIsAlreadyThere() throws Exception {
        String host = startDistribution();
        Path src = InteropTest.umociImage(tmp);
        assertEquals(0, Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http").exit());
        Cli.Result again = Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http", "--format", "json");
        JsonNode r = ModelJson.mapper().readTree(again.out()).get(0);
        assertEquals(0, r.get("bytes").asLong(), again.out());
        Path back = tmp.resolve("back");
        assertEquals(0, Cli.run("copy", host + "/app:v1", back.toString(), "--plain-http").exit());
        JsonNode second = ModelJson.mapper().readTree(Cli.run("copy", host + "/app:v1", back.toString(), "--plain-http",
                "--format", "json").out()).get(0);
        assertEquals(0, second.get("bytes").asLong());
    }

    @Test
    void referrersGoThroughTheReferrersApiOfServe() throws Exception {
        Path src = imageWithReferrers();
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("served"),
                new InetSocketAddress("127.0.0.1", 0), false, 8, LayoutOptions.defaults()))) {
            String host = "127.0.0.1:" + server.address().getPort();
            assertEquals(0, Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http", "--referrers").exit());
            Path served = tmp.resolve("served/team/app");
            assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(served, "v1"));
            assertFalse(Cli.run("tags", served.toString()).out().contains("sha256-"), "the API indexed them: no fallback tag");
            Path back = tmp.resolve("back");
            assertEquals(0, Cli.run("copy", host + "/team/app:v1", back.toString(), "--plain-http", "--referrers").exit());
            assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(back, "v1"));
        }
    }

    @Test
    void aMissingImageAndAnUnreachableRegistryAreClearErrors() throws Exception {
        String host = startDistribution();
        Cli.Result missing = Cli.run("copy", host + "/nope:v1", tmp.resolve("x").toString(), "--plain-http");
        assertEquals(3, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("oci-layout: " + host + "/nope:v1 not found"), missing.err());
        Cli.Result unreachable = Cli.run("copy", "127.0.0.1:1/nope:v1", tmp.resolve("x").toString(), "--plain-http");
        assertEquals(1, unreachable.exit(), unreachable.toString());
        assertTrue(unreachable.err().startsWith("oci-layout: cannot reach 127.0.0.1:1"), unreachable.err());
    }

    /** {@code copy FROM TO OPTION} as user ci, the password on stdin. */
    static Cli.Result copyAsCi(String from, String to, String option) {
        return Cli.runWithInput("s3cret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), "copy", from, to, option,
                "--username", "ci", "--password-stdin");
    }

    /** A bcrypt htpasswd file, as htpasswd -B writes it. */
    Path htpasswd(String user, String password) throws IOException {
        return Files.writeString(tmp.resolve("htpasswd"), user + ":" + org.mindrot.jbcrypt.BCrypt.hashpw(password,
                org.mindrot.jbcrypt.BCrypt.gensalt(4)).replace("$2a$", "$2y$") + "\n");
    }

    @Test
    void basicAuthAgainstTheDistributionRegistryWithCredentialsFromStdin() throws Exception {
        Path users = htpasswd("ci", "s3cret");
        String host = startDistribution("auth:\n  htpasswd:\n    realm: test\n    path: " + users + "\n");
        Path src = InteropTest.umociImage(tmp);
        Cli.Result anonymous = Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http");
        assertEquals(1, anonymous.exit(), anonymous.toString());
        assertTrue(anonymous.err().contains("asks for a user name and password"), anonymous.err());
        Cli.Result push = copyAsCi(src + ":v1", host + "/app:v1", "--plain-http");
        assertEquals(0, push.exit(), push.toString());
        PeerTools.run(tmp, "skopeo", "inspect", "--tls-verify=false", "--creds", "ci:s3cret", "docker://" + host + "/app:v1")
                .assertOk("skopeo sees what we pushed");
    }

    @Test
    void serveOverTlsWithBasicAuthTakesSkopeoAndOurCopy() throws Exception {
        PeerTools.require("openssl");
        PeerTools.run(tmp, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                "-days", "1", "-subj", "/CN=127.0.0.1").assertOk("openssl makes a certificate");
        Path users = htpasswd("ci", "s3cret");
        Path src = InteropTest.umociImage(tmp);
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("served"),
                new InetSocketAddress("127.0.0.1", 0), false, 8, LayoutOptions.defaults(), tmp.resolve("cert.pem"),
                tmp.resolve("key.pem"), users))) {
            String host = "127.0.0.1:" + server.address().getPort();
            PeerTools.Result denied = PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + src + ":v1",
                    "docker://" + host + "/app:v1");
            assertTrue(denied.exitCode() != 0, "no credentials, no push");
            PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "ci:s3cret", "oci:" + src + ":v1",
                    "docker://" + host + "/app:v1").assertOk("skopeo pushes over https with basic auth");
            Path back = tmp.resolve("back");
            Cli.Result pull = copyAsCi(host + "/app:v1", back.toString(), "--insecure");
            assertEquals(0, pull.exit(), pull.toString());
            assertEquals(digest(src, "v1"), digest(back, "v1"));
            Cli.Result verified = Cli.run("copy", host + "/app:v1", tmp.resolve("x").toString());
            assertEquals(1, verified.exit(), "a self-signed certificate is refused without --insecure");
            assertTrue(verified.err().startsWith("oci-layout: cannot talk TLS to " + host), verified.err());
        }
    }

    @Test
    void aMultiArchIndexGoesUpWholeAndComesBackNarrowedToOnePlatform() throws Exception {
        String host = startDistribution();
        dev.ocilayout.Layout layout = dev.ocilayout.Layout.create(tmp.resolve("multi"));
        dev.ocilayout.testing.LayoutBuilder b = new dev.ocilayout.testing.LayoutBuilder(layout);
        dev.ocilayout.model.Descriptor amd = b.image("amd64", "amd64 layer").withPlatform(dev.ocilayout.model.Platform.parse("linux/amd64"));
        dev.ocilayout.model.Descriptor arm = b.image("arm64", "arm64 layer").withPlatform(dev.ocilayout.model.Platform.parse("linux/arm64"));
        b.tag("multi", b.index(amd, arm));
        assertEquals(0, Cli.run("copy", layout.root() + ":multi", host + "/multi:v1", "--plain-http").exit());
        Path back = tmp.resolve("arm");
        Cli.Result pull = Cli.run("copy", host + "/multi:v1", back.toString(), "--plain-http", "--platform", "linux/arm64");
        assertEquals(0, pull.exit(), pull.toString());
        JsonNode index = ModelJson.mapper().readTree(Cli.run("cat", back + ":v1").out());
        assertEquals(List.of(arm.digest().toString()), index.get("manifests").findValuesAsText("digest"));
        assertEquals(0, Cli.run("fsck", back.toString()).exit());
        assertFalse(dev.ocilayout.Layout.open(back).blobs().exists(amd.digest()), "the other platform stays behind");
    }

    @Test
    void registryToRegistryOnOneRegistryMountsTheBlobs() throws Exception {
        String host = startDistribution();
        Path src = imageWithReferrers();
        assertEquals(0, Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http", "--referrers").exit());
        Cli.Result copy = Cli.run("copy", host + "/team/app:v1", host + "/team/mirror:v1", "--plain-http", "--referrers",
                "--format", "json");
        assertEquals(0, copy.exit(), copy.toString());
        JsonNode report = ModelJson.mapper().readTree(copy.out()).get(0);
        assertEquals(0, report.get("bytes").asLong(), "mounted, not uploaded: " + copy.out());
        assertTrue(report.get("mounted").asInt() > 0, copy.out());
        Path back = tmp.resolve("back");
        assertEquals(0, Cli.run("copy", host + "/team/mirror:v1", back.toString(), "--plain-http", "--referrers").exit());
        assertEquals(digest(src, "v1"), digest(back, "v1"));
        assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(back, "v1"));
    }

    /**
     * The bearer-token flow against docker-registry configured for token auth: the registry is real; the token
     * service is the test's own (a JWT signed with a key whose certificate the registry trusts), checking basic
     * credentials and granting what the asked scope names.
     */
    @Test
    void theBearerTokenFlowAgainstTheDistributionRegistry() throws Exception {
        PeerTools.require("openssl");
        PeerTools.run(tmp, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token-key.pem", "-out",
                "token-cert.pem", "-days", "1", "-subj", "/CN=token-issuer").assertOk("openssl makes the token signing key");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(Files.readString(
                        tmp.resolve("token-key.pem")).replaceAll("-----[A-Z ]+-----", "").trim())));
        String certDer = java.util.Base64.getEncoder().encodeToString(java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(tmp.resolve("token-cert.pem"))).getEncoded());
        java.util.List<String> scopesAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer tokens = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokens.createContext("/token", x -> {
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ci:s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.util.Map<String, String> q = new java.util.HashMap<>();
            for (String part : x.getRequestURI().getRawQuery().split("&")) {
                String[] kv = part.split("=", 2);
                q.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!basic.equals(x.getRequestHeaders().getFirst("Authorization"))) {
                x.sendResponseHeaders(401, -1);
                x.close();
                return;
            }
            scopesAsked.add(q.get("scope"));
            String[] scope = q.get("scope").split(":");
            long now = System.currentTimeMillis() / 1000;
            String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"x5c\":[\"" + certDer + "\"]}";
            String claims = "{\"iss\":\"test-issuer\",\"sub\":\"ci\",\"aud\":\"" + q.get("service") + "\",\"exp\":"
                    + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\"" + java.util.UUID.randomUUID()
                    + "\",\"access\":[{\"type\":\"repository\",\"name\":\"" + scope[1] + "\",\"actions\":[\""
                    + String.join("\",\"", scope[2].split(",")) + "\"]}]}";
            java.util.Base64.Encoder url = java.util.Base64.getUrlEncoder().withoutPadding();
            String signingInput = url.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                    + url.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] body;
            try {
                java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
                rs256.initSign(key);
                rs256.update(signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                body = ("{\"token\":\"" + signingInput + "." + url.encodeToString(rs256.sign()) + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        tokens.start();
        try {
            String host = startDistribution("auth:\n  token:\n    realm: http://127.0.0.1:" + tokens.getAddress().getPort()
                    + "/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: "
                    + tmp.resolve("token-cert.pem") + "\n");
            Path src = InteropTest.umociImage(tmp);
            Cli.Result anonymous = Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http");
            assertEquals(1, anonymous.exit(), anonymous.toString());
            assertTrue(anonymous.err().contains("the token service"), anonymous.err());
            Cli.Result push = copyAsCi(src + ":v1", host + "/app:v1", "--plain-http");
            assertEquals(0, push.exit(), push.toString());
            // a push asks for push and pull (in the order of the registry's challenge, or ours: either)
            assertTrue(scopesAsked.stream().anyMatch(sc -> sc.startsWith("repository:app:")
                    && java.util.Set.of(sc.substring("repository:app:".length()).split(",")).equals(
                    java.util.Set.of("pull", "push"))), scopesAsked.toString());
            Path back = tmp.resolve("back");
            Cli.Result pull = copyAsCi(host + "/app:v1", back.toString(), "--plain-http");
            assertEquals(0, pull.exit(), pull.toString());
            assertEquals(digest(src, "v1"), digest(back, "v1"));
        } finally {
            tokens.stop(0);
        }
    }
}
