package dev.ocilayout.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RawManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Target} promises, run against each implementation (after oras-go's
 * {@code TestStoreInterface}): a subclass supplies a fresh, empty target per test.
 */
public abstract class TargetContract {
    /** A fresh, empty target. */
    protected abstract Target target() throws Exception;

    protected static Descriptor blob(String content, String mediaType) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        return Descriptor.of(mediaType, Digest.sha256(b), b.length);
    }

    protected static InputStream bytes(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    protected static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size()
                + (d.artifactType() != null ? ",\"artifactType\":\"" + d.artifactType() + "\"" : "") + "}";
    }

    protected static final String CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
    protected static final String LAYER = "a layer";

    /** Pushes a config and a layer and returns the bytes of an image manifest over them. */
    protected static byte[] image(Target t, String layer) throws IOException {
        Descriptor config = blob(CONFIG, MediaType.OCI_CONFIG);
        Descriptor l = blob(layer, MediaType.OCI_LAYER);
        t.push(config, bytes(CONFIG));
        t.push(l, bytes(layer));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":" + json(config)
                + ",\"layers\":[" + json(l) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    protected static Descriptor manifestDescriptor(byte[] bytes) {
        return Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(bytes), bytes.length);
    }

    /** Pushes an SBOM's blobs and returns the bytes of an artifact manifest of it with {@code subject}. */
    protected static byte[] sbomOf(Target t, Descriptor subject) throws IOException {
        Descriptor empty = blob("{}", MediaType.OCI_EMPTY);
        Descriptor sbom = blob("{\"spdx\":true}", "application/spdx+json");
        t.push(empty, bytes("{}"));
        t.push(sbom, bytes("{\"spdx\":true}"));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST
                + "\",\"artifactType\":\"application/spdx+json\",\"config\":" + json(empty) + ",\"layers\":["
                + json(sbom) + "],\"subject\":" + json(subject) + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPushedBlobExistsAndFetchesBackVerified() throws Exception {
        Target t = target();
        Descriptor d = blob(LAYER, MediaType.OCI_LAYER);
        assertFalse(t.exists(d));
        t.push(d, bytes(LAYER));
        assertTrue(t.exists(d));
        try (InputStream in = t.fetch(d)) {
            assertEquals(LAYER, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBlobThatDoesNotMatchItsDescriptorIsRefusedAndLeavesNothing() throws Exception {
        Target t = target();
        Descriptor d = blob(LAYER, MediaType.OCI_LAYER);
        assertThrows(IOException.class, () -> t.push(d, bytes("other content")));
        assertFalse(t.exists(d));
    }

    @Test
    void fetchingAnAbsentBlobIsNotFound() throws Exception {
        Target t = target();
        assertThrows(NotFoundException.class, () -> t.fetch(blob("never pushed", MediaType.OCI_LAYER)).close());
    }

    @Test
    void aManifestPushedWithItsBlobsResolvesByDigestWithItsExactBytes() throws Exception {
        Target t = target();
        byte[] manifest = image(t, LAYER);
        Descriptor d = manifestDescriptor(manifest);
        t.pushManifest(RawManifest.of(d, manifest));
        Descriptor resolved = t.resolve(d.digest().toString());
        assertEquals(d.digest(), resolved.digest());
        assertEquals(d.size(), resolved.size());
        assertArrayEquals(manifest, t.fetchManifest(resolved).bytes());
        assertTrue(t.exists(d), "a stored manifest exists");
    }

    @Test
    void aTagNamesTheManifestAndIsListed() throws Exception {
        Target t = target();
        byte[] manifest = image(t, LAYER);
        Descriptor d = manifestDescriptor(manifest);
        t.pushManifest(RawManifest.of(d, manifest));
        t.tag(d, "v1");
        t.tag(d, "v2");
        assertEquals(d.digest(), t.resolve("v1").digest());
        assertEquals(List.of("v1", "v2"), t.tags());
    }

    @Test
    void retaggingMovesTheTag() throws Exception {
        Target t = target();
        byte[] first = image(t, LAYER);
        byte[] second = image(t, "another layer");
        t.pushManifest(RawManifest.of(manifestDescriptor(first), first));
        t.pushManifest(RawManifest.of(manifestDescriptor(second), second));
        t.tag(manifestDescriptor(first), "latest");
        t.tag(manifestDescriptor(second), "latest");
        assertEquals(manifestDescriptor(second).digest(), t.resolve("latest").digest());
        assertEquals(List.of("latest"), t.tags());
    }

    @Test
    void aManifestPushedUnderATagInOneStepResolvesByTagAndDigest() throws Exception {
        Target t = target();
        byte[] manifest = image(t, LAYER);
        Descriptor d = manifestDescriptor(manifest);
        t.pushManifest(RawManifest.of(d, manifest), "v1");
        assertEquals(d.digest(), t.resolve("v1").digest());
        assertArrayEquals(manifest, t.fetchManifest(t.resolve(d.digest().toString())).bytes());
    }

    @Test
    void anUnknownTagOrDigestIsNotFound() throws Exception {
        Target t = target();
        assertThrows(NotFoundException.class, () -> t.resolve("nope"));
        assertThrows(NotFoundException.class, () -> t.resolve("sha256:" + "0".repeat(64)));
    }

    @Test
    void aManifestWithASubjectIsListedAsItsReferrerFilteredByArtifactType() throws Exception {
        Target t = target();
        byte[] subjectBytes = image(t, LAYER);
        Descriptor subject = manifestDescriptor(subjectBytes);
        t.pushManifest(RawManifest.of(subject, subjectBytes));
        t.tag(subject, "v1");
        byte[] referrer = sbomOf(t, subject);
        Descriptor r = manifestDescriptor(referrer);
        t.pushManifest(RawManifest.of(r, referrer));
        List<Descriptor> found = t.referrers(subject.digest(), null);
        assertEquals(List.of(r.digest()), found.stream().map(Descriptor::digest).toList());
        assertEquals("application/spdx+json", found.get(0).artifactType());
        assertEquals(1, t.referrers(subject.digest(), "application/spdx+json").size());
        assertEquals(0, t.referrers(subject.digest(), "application/other").size());
    }
}
