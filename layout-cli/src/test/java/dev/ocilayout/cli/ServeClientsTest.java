package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.Referrers;
import land.oras.Registry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry clients other than skopeo push into {@code serve} and pull back what they pushed: oras-java and
 * jib-core (from Maven Central, in the test JVM), podman and buildah (from Debian, as processes with their
 * own vfs storage under the test's folder). Every layout they leave is clean by our fsck.
 */
class ServeClientsTest {
    @TempDir
    Path tmp;

    static void assertClean(Path layout) {
        Cli.Result fsck = Cli.run("fsck", layout.toString());
        assertEquals(0, fsck.exit(), fsck.toString());
    }

    @Test
    void orasJavaPushesPullsAttachesAndListsReferrers() throws Exception {
        Path root = tmp.resolve("registry");
        Path sbom = Files.writeString(tmp.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        Path signature = Files.writeString(tmp.resolve("sig.txt"), "signed");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            Registry registry = Registry.builder().insecure().build();
            ContainerRef ref = ContainerRef.parse(ServeInteropTest.host(server) + "/team/oras:v1");
            Manifest pushed = registry.pushArtifact(ref, ArtifactType.from("application/vnd.example.sbom"),
                    LocalPath.of(sbom));
            Path out = Files.createDirectories(tmp.resolve("pulled"));
            registry.pullArtifact(ref, out, true);
            assertEquals(Files.readString(sbom), Files.readString(out.resolve("sbom.spdx.json")));

            Manifest attached = registry.attachArtifact(ref, ArtifactType.from("application/vnd.example.sig"),
                    LocalPath.of(signature));
            Referrers referrers = registry.getReferrers(ContainerRef.parse(ServeInteropTest.host(server) + "/team/oras@"
                    + pushed.getDescriptor().getDigest()), null);
            assertEquals(1, referrers.getManifests().size(), "oras-java lists the referrer it attached");
            assertEquals("application/vnd.example.sig", referrers.getManifests().get(0).getArtifactType());

            Path layout = root.resolve("team/oras");
            assertClean(layout);
            String digest = Cli.run("resolve", layout + ":v1").out().trim();
            assertEquals(pushed.getDescriptor().getDigest(), digest);
            Cli.Result discover = Cli.run("discover", layout + ":v1");
            assertTrue(discover.out().contains(attached.getDescriptor().getDigest()), discover.toString());
        }
    }

    @Test
    void jibBuildsAnImageIntoServeThenBuildsOnItAndPullsIt() throws Exception {
        Path root = tmp.resolve("registry");
        Path app = Files.writeString(tmp.resolve("hello.txt"), "hello from jib\n");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            String host = ServeInteropTest.host(server);
            JibContainer base = Jib.fromScratch()
                    .addLayer(List.of(app), AbsoluteUnixPath.get("/app"))
                    .containerize(containerizer(Containerizer.to(RegistryImage.named(host + "/team/jib:base"))));
            JibContainer derived = Jib.from(RegistryImage.named(host + "/team/jib:base"))
                    .addLayer(List.of(app), AbsoluteUnixPath.get("/more"))
                    .containerize(containerizer(Containerizer.to(RegistryImage.named(host + "/team/jib:v1"))));
            Path tar = tmp.resolve("jib.tar");
            Jib.from(RegistryImage.named(host + "/team/jib:v1"))
                    .containerize(containerizer(Containerizer.to(TarImage.at(tar).named("pulled:v1"))));

            Path layout = root.resolve("team/jib");
            assertClean(layout);
            assertEquals(base.getDigest().toString(), Cli.run("resolve", layout + ":base").out().trim());
            assertEquals(derived.getDigest().toString(), Cli.run("resolve", layout + ":v1").out().trim());
            assertTrue(Files.size(tar) > 0, "jib pulled every layer of what it pushed");
            // Jib's docker tar names its layers <digest>.tar.gz (issue #23): imported and read in place
            Path imported = tmp.resolve("jib-imported");
            Cli.Result r = Cli.run("import", tar.toString(), imported.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals(0, Cli.run("fsck", imported.toString()).exit());
            assertEquals(Cli.run("resolve", imported + ":v1").out(),
                    Cli.run("resolve", "docker-archive:" + tar + ":pulled:v1").out());
        }
    }

    Containerizer containerizer(Containerizer c) {
        return c.setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(tmp.resolve("jib-cache/base"))
                .setApplicationLayersCache(tmp.resolve("jib-cache/app"));
    }

    /** podman or buildah with its own storage under the test's folder, vfs, no TLS. */
    PeerTools.Result containers(String tool, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(tool, "--root", tmp.resolve(tool + "-root").toString(),
                "--runroot", tmp.resolve(tool + "-run").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return PeerTools.run(tmp, cmd.toArray(String[]::new));
    }

    /** skopeo pushes the umoci image's v1 into a served repository. */
    void pushWithSkopeo(Path umoci, String image) throws Exception {
        PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + umoci + ":v1", "docker://" + image)
                .assertOk("skopeo copy into serve");
    }

    @Test
    void podmanAndBuildahPullFromServeAndPushIntoIt() throws Exception {
        PeerTools.require("podman");
        PeerTools.require("buildah");
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path root = tmp.resolve("registry");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            String host = ServeInteropTest.host(server);
            pushWithSkopeo(umoci, host + "/team/app:v1");

            containers("podman", "pull", "--tls-verify=false", host + "/team/app:v1").assertOk("podman pull");
            containers("podman", "push", "--tls-verify=false", host + "/team/app:v1", "docker://" + host + "/team/podman:v1")
                    .assertOk("podman push");
            containers("buildah", "pull", "--tls-verify=false", host + "/team/app:v1").assertOk("buildah pull");
            containers("buildah", "push", "--tls-verify=false", host + "/team/app:v1",
                    "docker://" + host + "/team/buildah:v1").assertOk("buildah push");

            for (String repository : List.of("team/app", "team/podman", "team/buildah")) {
                assertClean(root.resolve(repository));
                assertEquals(1, Cli.run("tags", root.resolve(repository).toString()).out().lines().count(), repository);
            }
            containers("podman", "pull", "--tls-verify=false", host + "/team/buildah:v1")
                    .assertOk("podman pulls what buildah pushed");
        }
    }

    @Test
    void archivesAndFoldersPodmanSavesAreReadInPlaceAndAddressedByTheirFullNames() throws Exception {
        PeerTools.require("podman");
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path root = tmp.resolve("registry");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            String host = ServeInteropTest.host(server);
            String image = host + "/team/app:v1";
            pushWithSkopeo(umoci, image);
            containers("podman", "pull", "--tls-verify=false", image).assertOk("podman pull");
            Path ociArchive = tmp.resolve("podman-oci.tar");
            Path dockerArchive = tmp.resolve("podman-docker.tar");
            Path ociDir = tmp.resolve("podman-oci-dir");
            containers("podman", "save", "--format", "oci-archive", "-o", ociArchive.toString(), image).assertOk("save oci");
            containers("podman", "save", "--format", "docker-archive", "-o", dockerArchive.toString(), image)
                    .assertOk("save docker");
            containers("podman", "save", "--format", "oci-dir", "-o", ociDir.toString(), image).assertOk("save oci-dir");

            String fromDir = Cli.run("resolve", "oci:" + ociDir + ":" + image).out().trim();
            assertTrue(fromDir.startsWith("sha256:"), "the full name podman wrote into ref.name resolves");
            assertEquals(fromDir, Cli.run("resolve", "oci-archive:" + ociArchive + ":" + image).out().trim());
            for (String archive : List.of("oci-archive:" + ociArchive, "docker-archive:" + dockerArchive)) {
                assertEquals(0, Cli.run("fsck", archive).exit(), archive);
                Cli.Result tree = Cli.run("tree", archive, "--format", "json");
                assertEquals(0, tree.exit(), tree.toString());
                assertEquals(0, dev.ocilayout.model.ModelJson.mapper().readTree(tree.out()).get("summary").get("missing")
                        .asInt(), archive);
            }
            String docker = Cli.run("resolve", "docker-archive:" + dockerArchive + ":" + image).out().trim();
            assertTrue(docker.startsWith("sha256:"), "a docker-archive image by its RepoTag: " + docker);
            Path copied = tmp.resolve("copied");
            assertEquals(0, Cli.run("copy", "docker-archive:" + dockerArchive + ":" + image, copied + ":v1").exit());
            assertEquals(0, Cli.run("fsck", copied.toString()).exit());
        }
    }

    @Test
    void aPodmanSaveOfTwoRepositoriesSharingLatestIsKeptApartReadInPlaceAndImported() throws Exception {
        PeerTools.require("podman");
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path root = tmp.resolve("registry");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            String host = ServeInteropTest.host(server);
            String a = host + "/team/a:latest";
            String b = host + "/team/b:latest";
            pushWithSkopeo(umoci, a);
            Path app = Files.writeString(tmp.resolve("b.txt"), "the second image\n");
            Jib.fromScratch().addLayer(List.of(app), AbsoluteUnixPath.get("/b"))
                    .containerize(containerizer(Containerizer.to(RegistryImage.named(b))));
            containers("podman", "pull", "--tls-verify=false", a).assertOk("podman pull a");
            containers("podman", "pull", "--tls-verify=false", b).assertOk("podman pull b");
            Path two = tmp.resolve("two.tar");
            containers("podman", "save", "-m", "--format", "docker-archive", "-o", two.toString(), a, b)
                    .assertOk("podman save -m");

            String archive = "docker-archive:" + two;
            assertEquals(a + "\n" + b + "\n", Cli.run("tags", archive).out(), "both full names, kept apart");
            String digestA = Cli.run("resolve", archive + ":" + a).out().trim();
            String digestB = Cli.run("resolve", archive + ":" + b).out().trim();
            assertTrue(digestA.startsWith("sha256:") && digestB.startsWith("sha256:") && !digestA.equals(digestB),
                    digestA + " " + digestB);
            for (String command : List.of("fsck", "lint")) {
                Cli.Result r = Cli.run(command, command.equals("lint") ? archive + ":" + a : archive);
                assertEquals(0, r.exit(), command + ": " + r);
            }
            Cli.Result discover = Cli.run("discover", archive + ":" + b, "--format", "json");
            assertEquals(0, discover.exit(), discover.toString());
            Path imported = tmp.resolve("imported");
            assertEquals(0, Cli.run("import", two.toString(), imported.toString()).exit());
            assertEquals(digestA, Cli.run("resolve", "oci:" + imported + ":" + a).out().trim());
            assertEquals(digestB, Cli.run("resolve", "oci:" + imported + ":" + b).out().trim());
        }
    }

    @Test
    void anOciTarJibWritesIsReadInPlaceByItsFullName() throws Exception {
        Path app = Files.writeString(tmp.resolve("hello.txt"), "hello from jib\n");
        Path tar = tmp.resolve("jib-oci.tar");
        JibContainer built = Jib.fromScratch().setFormat(com.google.cloud.tools.jib.api.buildplan.ImageFormat.OCI)
                .addLayer(List.of(app), AbsoluteUnixPath.get("/app"))
                .containerize(containerizer(Containerizer.to(TarImage.at(tar).named("localhost/jibimg:2"))));
        Cli.Result tags = Cli.run("tags", "oci-archive:" + tar);
        assertEquals(0, tags.exit(), tags.toString());
        String name = tags.out().trim();
        String digest = Cli.run("resolve", "oci-archive:" + tar + ":" + name).out().trim();
        assertEquals(built.getDigest().toString(), digest, "the image Jib built, by the name Jib wrote: " + name);
        assertEquals(0, Cli.run("fsck", "oci-archive:" + tar).exit());
        Path copied = tmp.resolve("copied");
        assertEquals(0, Cli.run("copy", "oci-archive:" + tar + ":" + name, copied + ":v1").exit());
        assertEquals(digest, Cli.run("resolve", copied + ":v1").out().trim());
    }

    @Test
    void archivesBuildahWritesAreReadInPlace() throws Exception {
        PeerTools.require("buildah");
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path root = tmp.resolve("registry");
        try (RegistryServer server = ServeInteropTest.serve(root, false)) {
            String image = ServeInteropTest.host(server) + "/team/app:v1";
            pushWithSkopeo(umoci, image);
            containers("buildah", "pull", "--tls-verify=false", image).assertOk("buildah pull");
            Path oci = tmp.resolve("buildah-oci.tar");
            Path docker = tmp.resolve("buildah-docker.tar");
            containers("buildah", "push", image, "oci-archive:" + oci + ":" + image).assertOk("buildah push oci-archive");
            containers("buildah", "push", image, "docker-archive:" + docker + ":" + image).assertOk("buildah push docker");
            for (String archive : List.of("oci-archive:" + oci, "docker-archive:" + docker)) {
                assertEquals(0, Cli.run("fsck", archive).exit(), archive);
                assertEquals(0, Cli.run("tree", archive).exit(), archive);
                String digest = Cli.run("resolve", archive + ":" + image).out().trim();
                assertTrue(digest.startsWith("sha256:"), archive + " by the name buildah wrote: " + digest);
            }
        }
    }
}
