package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image sets across an air gap, end to end with real components (issue #24): two upstream docker-registry
 * instances filled with images built by Jib (a multi-platform index among them) carrying SBOMs and
 * signatures; a set selecting by list, regex and semver; mirror, export in parts, import into a fresh store,
 * push to a third registry inside, skopeo and podman reading from there; then a change upstream carried as a
 * delta, and tampered or missing parts refused with nothing changed.
 */
class MirrorTest {
    @TempDir
    Path tmp;
    final List<Distribution> registries = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Distribution d : registries) {
            d.close();
        }
    }

    private Distribution registry(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Distribution d = Distribution.start(dir, "");
        registries.add(d);
        return d;
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /**
     * A small image built by Jib straight into the registry, one layer per content (Jib's layers are
     * reproducible: the same content gives the same layer, so images can share one).
     */
    private String image(String reference, String architecture, String... contents) throws Exception {
        var builder = Jib.fromScratch().setFormat(ImageFormat.OCI)
                .setPlatforms(Set.of(new com.google.cloud.tools.jib.api.buildplan.Platform(architecture, "linux")));
        for (String content : contents) {
            Path dir = Files.createDirectories(tmp.resolve("contents/" + Integer.toHexString(content.hashCode())));
            builder.addLayer(List.of(Files.writeString(dir.resolve("data.txt"), content + "\n")), AbsoluteUnixPath.get("/data"));
        }
        JibContainer built = builder
                .containerize(Containerizer.to(RegistryImage.named(reference)).setAllowInsecureRegistries(true)
                        .setBaseImageLayersCache(tmp.resolve("jib-cache/base"))
                        .setApplicationLayersCache(tmp.resolve("jib-cache/app")));
        return built.getDigest().toString();
    }

    /** An OCI index of two single-platform images, put by hand under {@code tag}. */
    private void index(String host, String repository, String tag) throws Exception {
        RegistryClient client = new RegistryClient(host, new RegistryClient.Options(true, false,
                dev.ocilayout.registry.Credentials.NONE));
        List<Descriptor> entries = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            image(host + "/" + repository + ":" + arch, arch, "multi " + arch);
            var m = client.manifest(repository, arch).orElseThrow();
            entries.add(new Descriptor(m.descriptor().mediaType(), m.digest(), m.descriptor().size(), null, null, null,
                    Platform.of("linux", arch, null), null, null));
        }
        byte[] bytes = ModelJson.toBytes(new ImageIndex(2, MediaType.OCI_INDEX, null, entries, null, null, null), false);
        client.putManifest(repository, tag, bytes, MediaType.OCI_INDEX);
    }

    private void attach(String reference, String type) {
        ok(Cli.run("attach", reference, TestData.dir().resolve("files/sbom.spdx.json") + ":application/spdx+json",
                "--artifact-type", type, "--plain-http"));
    }

    private static List<String> tags(Path store) {
        return ok(Cli.run("tags", store.toString())).out().lines().filter(t -> !t.contains(":sha256-")).toList();
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        return ModelJson.mapper().readTree(r.out());
    }

    @Test
    void aSetIsMirroredCarriedAcrossInPartsPublishedInsideAndUpdatedByDeltas() throws Exception {
        PeerTools.require("skopeo");
        PeerTools.require("podman");
        Distribution a = registry("upstream-a");
        Distribution b = registry("upstream-b");
        Distribution inside = registry("inside");
        String ha = a.host();
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0", "2.0.0")) {
            image(ha + "/team/app:" + v, "amd64", "app " + v);
        }
        image(ha + "/team/app:latest", "amd64", "app latest");
        attach(ha + "/team/app:1.2.0", "application/spdx+json");
        attach(ha + "/team/app:latest", "application/vnd.example.signature");
        for (String t : List.of("v1", "v2", "dev-x")) {
            image(ha + "/team/tools:" + t, "amd64", "tools " + t);
        }
        index(ha, "team/multi", "v1");
        for (String t : List.of("1.0", "1.1")) {
            image(b.host() + "/lib/base:" + t, "amd64", "base " + t);
        }
        Path set = Files.writeString(tmp.resolve("set.yaml"), """
                kind: ImageSet
                referrers: true
                registries:
                  %s:
                    plain-http: true
                    images:
                      team/app: [latest]
                      team/multi: [v1]
                    images-by-semver:
                      team/app: ">= 1.1.0, < 2.0.0"
                    images-by-tag-regex:
                      team/tools: ^v[0-9]+$
                  %s:
                    plain-http: true
                    images:
                      lib/base: []
                """.formatted(ha, b.host()));

        // mirror: the eight images the set selects, with their referrers; a second run finds them all there
        Path store = tmp.resolve("store");
        ok(Cli.run("mirror", set.toString(), store.toString()));
        List<String> expected = java.util.stream.Stream.of(b.host() + "/lib/base:1.0", b.host() + "/lib/base:1.1",
                ha + "/team/app:1.1.0", ha + "/team/app:1.2.0", ha + "/team/app:latest", ha + "/team/multi:v1",
                ha + "/team/tools:v1", ha + "/team/tools:v2").sorted().toList(); // tags lists names in order
        assertEquals(expected, tags(store));
        assertTrue(ok(Cli.run("discover", "oci:" + store + ":" + ha + "/team/app:1.2.0")).out().contains("application/spdx+json"));
        ok(Cli.run("fsck", store.toString()));
        Cli.Result againJson = ok(Cli.run("mirror", set.toString(), store.toString(), "--format", "json"));
        assertEquals(List.of(), JsonOutputTest.differences("mirror", againJson.out(), JsonOutputTest.readmeTable().get("mirror")));
        JsonNode again = json(againJson);
        assertEquals(8, again.get("items").size());
        again.get("items").forEach(i -> assertEquals("present", i.get("status").asText(), i.toString()));

        // export in several parts, each an archive that fsck checks on its own
        Path usb = tmp.resolve("usb-1");
        JsonNode exported = json(ok(Cli.run("mirror", "export", store.toString(), "-o", usb.toString(),
                "--max-archive-size", "1KiB", "--format", "json")));
        assertTrue(exported.get("parts").size() >= 3, exported.toString());
        for (JsonNode p : exported.get("parts")) {
            ok(Cli.run("fsck", "oci-archive:" + usb.resolve(p.get("file").asText())));
        }
        assertTrue(ok(Cli.run("mirror", "export", store.toString(), "-o", tmp.resolve("usb-empty").toString())).out()
                .startsWith("Nothing changed since the last export"), "an unchanged store exports nothing");

        // inside: import into a fresh store, push to the inside registry, read it there
        Path inner = tmp.resolve("inner-store");
        ok(Cli.run("mirror", "import", usb.toString(), inner.toString()));
        assertEquals(expected, tags(inner));
        ok(Cli.run("fsck", inner.toString()));
        Path conf = tmp.resolve("mirror-config");
        ok(Cli.run("mirror", "push", inner.toString(), inside.host() + "/mirror", "--plain-http", "-o", conf.toString()));
        Cli.Result rerun = ok(Cli.run("mirror", "push", inner.toString(), inside.host() + "/mirror", "--plain-http", "-o",
                conf.toString(), "--format", "json"));
        assertEquals(List.of(), JsonOutputTest.differences("mirror push", rerun.out(),
                JsonOutputTest.readmeTable().get("mirror push")), "a rerun pushes again, skipping what is there");
        for (String name : expected) {
            String path = inside.host() + "/mirror/" + name.substring(name.indexOf('/') + 1); // the upstream host goes
            PeerTools.run(tmp, "skopeo", "inspect", "--tls-verify=false", "--raw", "docker://" + path)
                    .assertOk("skopeo inspect of " + path + " on the inside");
            assertEquals(ok(Cli.run("resolve", "oci:" + store + ":" + name)).out(),
                    ok(Cli.run("resolve", path, "--plain-http")).out(), name + " arrived as it is");
        }
        assertTrue(ok(Cli.run("discover", inside.host() + "/mirror/team/app:1.2.0", "--plain-http")).out()
                .contains("application/spdx+json"), "the SBOM came along");
        String registriesConf = Files.readString(conf.resolve("registries.conf"));
        assertTrue(registriesConf.contains("prefix = \"" + ha + "/team/app\"")
                && registriesConf.contains("location = \"" + inside.host() + "/mirror/team/app\""), registriesConf);

        // a tag moves upstream: the next export carries only that image's new blobs
        image(ha + "/team/tools:v2", "amd64", "tools v2, rebuilt");
        JsonNode update = json(ok(Cli.run("mirror", set.toString(), store.toString(), "--format", "json")));
        long updated = 0;
        for (JsonNode i : update.get("items")) {
            updated += i.get("status").asText().equals("updated") ? 1 : 0;
        }
        assertEquals(1, updated, update.toString());
        Path usb2 = tmp.resolve("usb-2");
        JsonNode delta = json(ok(Cli.run("mirror", "export", store.toString(), "-o", usb2.toString(), "--format", "json")));
        assertEquals(1, delta.get("images").asInt(), delta.toString());
        assertTrue(delta.get("blobs").asInt() <= 3, "the new manifest, config and layer only: " + delta);

        // a tampered part is refused, naming it, and nothing changes; then the real one is taken
        Path part = usb2.resolve(delta.get("parts").get(0).get("file").asText());
        byte[] original = Files.readAllBytes(part);
        byte[] tampered = original.clone();
        tampered[tampered.length / 2] ^= 1;
        Files.write(part, tampered);
        byte[] indexBefore = Files.readAllBytes(inner.resolve("index.json"));
        CliTest.assertOneLineError(Cli.run("mirror", "import", usb2.toString(), inner.toString()), 4,
                "part 1 (" + part + ", altered or swapped with another; nothing was imported)");
        Files.delete(part);
        CliTest.assertOneLineError(Cli.run("mirror", "import", usb2.toString(), inner.toString()), 3, "part 1 of 1");
        assertTrue(java.util.Arrays.equals(indexBefore, Files.readAllBytes(inner.resolve("index.json"))), "unchanged");
        Files.write(part, original);
        ok(Cli.run("mirror", "import", usb2.toString(), inner.toString()));
        assertEquals(ok(Cli.run("resolve", "oci:" + store + ":" + ha + "/team/tools:v2")).out(),
                ok(Cli.run("resolve", "oci:" + inner + ":" + ha + "/team/tools:v2")).out());

        // a client inside pulls the upstream name through the registries.conf written, upstream gone
        a.close();
        registries.remove(a);
        PeerTools.Result pulled = PeerTools.run(tmp, "env", "CONTAINERS_REGISTRIES_CONF=" + conf.resolve("registries.conf"),
                "podman", "--root", tmp.resolve("podman-root").toString(), "--runroot", tmp.resolve("podman-run").toString(),
                "--storage-driver", "vfs", "pull", ha + "/team/app:latest");
        pulled.assertOk("podman pull of the upstream name, served by the mirror inside");
    }

    @Test
    void aRegistrysCertDirIsTrustedForItsTlsAndWithoutItTheCertificateIsRefused() throws Exception {
        PeerTools.require("openssl");
        PeerTools.run(tmp, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
                "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
                .assertOk("openssl makes a certificate");
        Path certs = Files.createDirectories(tmp.resolve("certs.d/registry"));
        Files.copy(tmp.resolve("cert.pem"), certs.resolve("ca.crt"));
        try (dev.ocilayout.serve.RegistryServer server = dev.ocilayout.serve.RegistryServer.start(
                new dev.ocilayout.serve.RegistryServer.Options(tmp.resolve("served"), new java.net.InetSocketAddress(
                        "127.0.0.1", 0), false, 8, dev.ocilayout.LayoutOptions.defaults(), tmp.resolve("cert.pem"),
                        tmp.resolve("key.pem"), null))) {
            String host = "127.0.0.1:" + server.address().getPort();
            ok(Cli.run("copy", InteropTest.umociImage(tmp) + ":v1", host + "/team/app:v1", "--insecure"));
            String block = "kind: ImageSet\nregistries:\n  " + host + ":\n    images:\n      team/app: [v1]\n";
            Path withCerts = Files.writeString(tmp.resolve("with.yaml"), block + "    cert-dir: " + certs + "\n");
            ok(Cli.run("mirror", withCerts.toString(), tmp.resolve("store").toString()));
            assertEquals(List.of(host + "/team/app:v1"), tags(tmp.resolve("store")));

            Path without = Files.writeString(tmp.resolve("without.yaml"), block);
            Cli.Result refused = Cli.run("mirror", without.toString(), tmp.resolve("other").toString(), "--format", "json");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(json(refused).get("items").toString().contains("cannot talk TLS to " + host), refused.toString());
        }
    }

    @Test
    void anOcMirrorImageSetConfigurationMirrorsItsAdditionalImages() throws Exception {
        Distribution a = registry("upstream");
        String digest = image(a.host() + "/team/app:v1", "amd64", "oc-mirror's image");
        image(a.host() + "/team/debug:v1", "amd64", "blocked");
        Path isc = Files.writeString(tmp.resolve("isc.yaml"), """
                kind: ImageSetConfiguration
                apiVersion: mirror.openshift.io/v2alpha1
                mirror:
                  additionalImages:
                    - name: %s/team/app:v1
                    - name: %s/team/debug:v1
                  blockedImages:
                    - name: debug
                """.formatted(a.host(), a.host()));
        Path store = tmp.resolve("store");
        ok(Cli.run("mirror", isc.toString(), store.toString()));
        assertEquals(List.of(a.host() + "/team/app:v1"), tags(store));
        assertEquals(digest, ok(Cli.run("resolve", "oci:" + store + ":" + a.host() + "/team/app:v1")).out().trim());
    }

    @Test
    void aDeltaIntoAStoreWithoutItsBaseIsRefusedBeforeAnythingIsImported() throws Exception {
        Distribution a = registry("upstream");
        image(a.host() + "/team/app:v1", "amd64", "the base layer");
        Path set = Files.writeString(tmp.resolve("set.yaml"), "kind: ImageSet\nregistries:\n  " + a.host()
                + ":\n    plain-http: true\n    images:\n      team/app: []\n");
        Path store = tmp.resolve("store");
        ok(Cli.run("mirror", set.toString(), store.toString()));
        ok(Cli.run("mirror", "export", store.toString(), "-o", tmp.resolve("first").toString()));
        image(a.host() + "/team/app:v2", "amd64", "the base layer", "a layer on top");
        ok(Cli.run("mirror", set.toString(), store.toString()));
        Path second = tmp.resolve("second");
        ok(Cli.run("mirror", "export", store.toString(), "-o", second.toString()));
        Path fresh = tmp.resolve("fresh");
        ok(Cli.run("init", fresh.toString()));
        JsonNode toc = ModelJson.mapper().readTree(Files.readAllBytes(second.resolve("toc.json")));
        assertEquals(1, toc.get("expects").size(), "v2 builds on v1's layer, carried before: " + toc);
        CliTest.assertOneLineError(Cli.run("mirror", "import", second.toString(), fresh.toString()), 3,
                "import the exports before it first; nothing was changed");
        assertEquals(Set.of(), new TreeSet<>(tags(fresh)));
    }

    @Test
    void layoutsAndArchivesAreSourcesTooFullNamesKeptPlainTagsNamed() throws Exception {
        Path tar = tmp.resolve("jib-oci.tar");
        Path app = Files.writeString(tmp.resolve("hello.txt"), "hello\n");
        Jib.fromScratch().setFormat(ImageFormat.OCI).addLayer(List.of(app), AbsoluteUnixPath.get("/app"))
                .containerize(Containerizer.to(com.google.cloud.tools.jib.api.TarImage.at(tar).named("localhost/jibimg:2"))
                        .setBaseImageLayersCache(tmp.resolve("jib-cache/base"))
                        .setApplicationLayersCache(tmp.resolve("jib-cache/app")));
        Path example = TestData.copy("example-layout", tmp.resolve("example"));
        Path set = Files.writeString(tmp.resolve("set.yaml"), """
                kind: ImageSet
                layouts:
                  - location: oci-archive:%s
                  - location: %s
                    repository: example.com/team/example
                  - location: %s
                    images: [v1]
                """.formatted(tar, example, example));
        Path store = tmp.resolve("store");
        Cli.Result r = Cli.run("mirror", set.toString(), store.toString(), "--format", "json");
        assertEquals(1, r.exit(), "the plain tag without a repository fails, the rest go on: " + r);
        JsonNode items = json(r).get("items");
        assertTrue(items.toString().contains("a plain tag needs the repository it goes to"), items.toString());
        assertEquals(List.of("example.com/team/example:latest", "example.com/team/example:v1", "localhost/jibimg:2"),
                tags(store));
        assertEquals(ok(Cli.run("resolve", "oci-archive:" + tar + ":localhost/jibimg:2")).out(),
                ok(Cli.run("resolve", "oci:" + store + ":localhost/jibimg:2")).out());
    }

    /** A store of example.com/team/app:v1, signed by key (KEY.key, KEY.pub), and example.com/team/base:base, not. */
    private void storeWithOneOfTwoImagesSigned(Path store, Path key) throws Exception {
        Path umoci = InteropTest.umociImage(tmp);
        Path set = Files.writeString(tmp.resolve("set.yaml"), """
                kind: ImageSet
                layouts:
                  - location: %s
                    images: [v1]
                    repository: example.com/team/app
                  - location: %s
                    images: [base]
                    repository: example.com/team/base
                """.formatted(umoci, umoci));
        ok(Cli.run("mirror", set.toString(), store.toString()));
        ok(Cli.run("key", "generate", "-o", key.toString()));
        ok(Cli.run("sign", "oci:" + store + ":example.com/team/app:v1", "--key", key + ".key"));
    }

    @Test
    void pushWithRequireSignaturePublishesNothingWhileOneImageIsUnsigned() throws Exception {
        Path store = tmp.resolve("store");
        Path key = tmp.resolve("k");
        storeWithOneOfTwoImagesSigned(store, key);
        Distribution inside = registry("inside");
        CliTest.assertOneLineError(Cli.run("mirror", "push", store.toString(), inside.host() + "/m", "--plain-http",
                "-o", tmp.resolve("conf").toString(), "--require-signature", key + ".pub"), 4,
                "example.com/team/base:base");
        assertEquals(3, Cli.run("tags", inside.host() + "/m/team/app", "--plain-http").exit(), "nothing published");
        ok(Cli.run("sign", "oci:" + store + ":example.com/team/base:base", "--key", key + ".key"));
        ok(Cli.run("mirror", "push", store.toString(), inside.host() + "/m", "--plain-http", "-o",
                tmp.resolve("conf").toString(), "--require-signature", key + ".pub"));
        ok(Cli.run("verify", "oci:" + store + ":example.com/team/app:v1", "--key", key + ".pub"));
        assertTrue(ok(Cli.run("tags", inside.host() + "/m/team/app", "--plain-http")).out().contains(".sig"),
                "the signature went along");
    }

    @Test
    void importWithRequireSignatureImportsNothingWhileOneImageIsUnsigned() throws Exception {
        Path store = tmp.resolve("store");
        Path key = tmp.resolve("k");
        storeWithOneOfTwoImagesSigned(store, key);
        Path usb = tmp.resolve("usb-1");
        ok(Cli.run("mirror", "export", store.toString(), "-o", usb.toString(), "--max-archive-size", "1KiB"));
        Path inner = tmp.resolve("inner");
        CliTest.assertOneLineError(Cli.run("mirror", "import", usb.toString(), inner.toString(), "--require-signature",
                key + ".pub"), 4, "example.com/team/base:base");
        assertEquals(List.of(), tags(inner), "nothing imported");

        // signed, and carried again in full: the signatures are found across the parts
        ok(Cli.run("sign", "oci:" + store + ":example.com/team/base:base", "--key", key + ".key"));
        Files.delete(store.resolve(".oci-layout-mirror/exported.json"));
        Path usb2 = tmp.resolve("usb-2");
        JsonNode parts = json(ok(Cli.run("mirror", "export", store.toString(), "-o", usb2.toString(),
                "--max-archive-size", "1KiB", "--format", "json"))).get("parts");
        assertTrue(parts.size() >= 2, "signatures and images in different parts: " + parts);
        ok(Cli.run("mirror", "import", usb2.toString(), inner.toString(), "--require-signature", key + ".pub"));
        ok(Cli.run("verify", "oci:" + inner + ":example.com/team/base:base", "--key", key + ".pub"));
        ok(Cli.run("verify", "oci:" + inner + ":example.com/team/app:v1", "--key", key + ".pub"));
    }

    @Test
    void aDryRunCopiesNothing() throws Exception {
        Distribution a = registry("upstream");
        image(a.host() + "/team/app:v1", "amd64", "app v1");
        Path set = Files.writeString(tmp.resolve("set.yaml"), a.host() + ":\n  tls-verify: false\n  images:\n"
                + "    team/app: []\n");
        Path store = tmp.resolve("store");
        Cli.Result r = ok(Cli.run("mirror", set.toString(), store.toString(), "--dry-run"));
        assertTrue(r.out().contains("would_copy " + a.host() + "/team/app:v1"), r.out());
        assertTrue(!Files.exists(store), "no store made");
    }
}
