package dev.ocilayout.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.error.InvalidContentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Image-set files: skopeo sync's YAML as its docs write it, and ours. */
class ImageSetTest {
    /** skopeo-sync(1)'s example, as it is. */
    static final String SKOPEO = """
            registry.example.com:
                images:
                    busybox: []
                    redis:
                        - "1.0"
                        - "2.0"
                        - "sha256:0000000000000000000000000000000000000000000000000000000000000000"
                images-by-tag-regex:
                    nginx: ^1\\.13\\.[12]-alpine-perl$
                images-by-semver:
                    alpine: ">= 3.12.0"
                credentials:
                    username: john
                    password: this is a secret
                tls-verify: true
                cert-dir: /home/john/certs
            quay.io:
                tls-verify: false
                images:
                    coreos/etcd:
                        - latest
            """;

    static ImageSet parse(String yaml) throws InvalidContentException {
        return ImageSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "set.yaml");
    }

    @Test
    void skopeoSyncsOwnExampleIsReadAsIs() throws Exception {
        ImageSet set = parse(SKOPEO);
        assertEquals(2, set.registries().size());
        ImageSet.Registry r = set.registries().get(0);
        assertEquals("registry.example.com", r.host());
        assertEquals(List.of("busybox", "redis", "nginx", "alpine"), r.repositories());
        assertEquals("john", r.username());
        assertEquals(Boolean.TRUE, r.tlsVerify());
        List<String> tags = List.of("latest", "3.11", "3.12.0", "3.13.1", "1.13.1-alpine-perl", "1.13.3-alpine-perl");
        assertEquals(tags, r.select("busybox", tags), "an empty list is every tag");
        assertEquals(List.of("1.0", "2.0", "sha256:" + "0".repeat(64)), r.select("redis", tags));
        assertFalse(r.needsTagList("redis"), "listed tags and digests need no tag list");
        assertEquals(List.of("1.13.1-alpine-perl"), r.select("nginx", tags));
        assertEquals(List.of("3.12.0", "3.13.1"), r.select("alpine", tags));
        assertEquals(Boolean.FALSE, set.registries().get(1).tlsVerify());
        assertFalse(set.referrers(), "skopeo sync carries no referrers");
    }

    @Test
    void ourFormAddsPlatformsReferrersAndPlainHttp() throws Exception {
        ImageSet set = parse("""
                kind: ImageSet
                platforms: [linux/amd64, linux/arm64/v8]
                referrers: [application/spdx+json]
                registries:
                  localhost:5000:
                    plain-http: true
                    images: {team/app: [v1]}
                """);
        assertEquals(2, set.platforms().size());
        assertTrue(set.referrers());
        assertEquals(List.of("application/spdx+json"), set.referrerTypes());
        assertTrue(set.registries().get(0).plainHttp());
    }

    @Test
    void jsonIsReadToo() throws Exception {
        ImageSet set = parse("{\"kind\":\"ImageSet\",\"referrers\":true,\"registries\":{\"ghcr.io\":{\"images\":{\"o/r\":[]}}}}");
        assertEquals("ghcr.io", set.registries().get(0).host());
    }

    @Test
    void mistakesNameWhereTheyAre() {
        assertEquals("set.yaml: registry.example.com: images-by-semver.alpine: semver constraint '>= three': '>=three' is"
                + " not a comparison such as >= 1.2.0, ~1.2, ^2, 1.x", assertThrows(InvalidContentException.class,
                () -> parse("registry.example.com:\n  images-by-semver:\n    alpine: \">= three\"\n")).getMessage());
        assertTrue(assertThrows(InvalidContentException.class, () -> parse("registry.example.com:\n  images:\n"
                + "    Bad_Name: []\n")).getMessage().contains("'Bad_Name' is not a repository name"));
        assertTrue(assertThrows(InvalidContentException.class, () -> parse("registry.example.com:\n  tls-verify: true\n"))
                .getMessage().contains("names no images"));
        assertTrue(assertThrows(InvalidContentException.class, () -> parse("kind: Other\n")).getMessage()
                .contains("is neither ImageSet nor oc-mirror's ImageSetConfiguration"));
    }

    @Test
    void dockerHubsShortNamesAreNormalized() {
        assertEquals("docker.io/library/busybox", Mirror.fullName("docker.io", "busybox"));
        assertEquals("docker.io/bitnami/redis", Mirror.fullName("docker.io", "bitnami/redis"));
        assertEquals("quay.io/coreos/etcd", Mirror.fullName("quay.io", "coreos/etcd"));
        assertEquals("library/busybox", MirrorPush.path("docker.io/library/busybox"));
        assertEquals("team/app", MirrorPush.path("127.0.0.1:5000/team/app"));
    }

    @Test
    void ocMirrorsAdditionalImagesAreReadByRegistryAndRepositoryLessTheBlockedOnes() throws Exception {
        ImageSet set = parse("""
                kind: ImageSetConfiguration
                apiVersion: mirror.openshift.io/v2alpha1
                archiveSize: 4
                mirror:
                  additionalImages:
                    - name: quay.io/org/app@sha256:0000000000000000000000000000000000000000000000000000000000000000
                      platforms: [linux/amd64]
                    - name: quay.io/org/other:1.2@sha256:1111111111111111111111111111111111111111111111111111111111111111
                      platforms: [linux/amd64]
                    - name: registry.example.com:5000/tools/debug
                      platforms: [linux/amd64]
                    - name: quay.io/org/app:latest
                      platforms: [linux/amd64]
                  blockedImages:
                    - name: ".*debug.*"
                """);
        assertEquals(1, set.registries().size(), "the blocked image's registry goes with it");
        ImageSet.Registry quay = set.registries().get(0);
        assertEquals("quay.io", quay.host());
        assertEquals(List.of("sha256:0000000000000000000000000000000000000000000000000000000000000000", "latest"),
                quay.images().get("org/app"));
        assertEquals(List.of("sha256:1111111111111111111111111111111111111111111111111111111111111111"),
                quay.images().get("org/other"), "a tag beside a digest: the digest pins");
        assertEquals("linux/amd64", set.platforms().get(0).toString());
        assertFalse(set.referrers());
    }

    @Test
    void ocMirrorsReleasesOperatorsAndRenamesAreRefusedByName() {
        for (String mirror : List.of("platform:\n    channels: [{name: stable-4.16}]", "operators:\n    - catalog: x",
                "additionalImages:\n    - name: quay.io/org/app:1\n      targetRepo: other")) {
            String yaml = "kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  " + mirror + "\n";
            InvalidContentException e = assertThrows(InvalidContentException.class, () -> parse(yaml));
            assertTrue(e.getMessage().startsWith("set.yaml: mirror."), e.getMessage());
        }
        InvalidContentException noHost = assertThrows(InvalidContentException.class, () -> parse(
                "kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n  additionalImages:\n"
                        + "    - name: nginx:1\n"));
        assertTrue(noHost.getMessage().contains("'nginx:1' does not start with a registry"), noHost.getMessage());
    }
}
