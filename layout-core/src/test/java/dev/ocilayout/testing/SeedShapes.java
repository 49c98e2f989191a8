package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.store.Tags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds {@code testdata/seed-shapes}: one layout with every manifest shape of the seeds, with real
 * blobs, deterministically (fixed bytes, fixed times).
 *
 * <ul>
 *   <li>seed 000 (image-spec #1025): {@code artifact} (arbitrary config media type),
 *       {@code artifact-no-config}, {@code artifact-empty-layers}, {@code artifact-no-layers},
 *       {@code artifact-no-subject}, {@code artifact-0-layer}, {@code artifact-scratch-layer}, all but one
 *       with subject {@code image} (a small OCI image);</li>
 *   <li>seed 001 (image-spec #1150): {@code mixed-index}, an OCI index listing an OCI manifest and a
 *       Docker v2 manifest;</li>
 *   <li>seed 004 (buildx cache): {@code cache}, a Docker manifest list whose entries are layer blobs and a
 *       BuildKit cache config.</li>
 * </ul>
 * The manifests are the seed's JSON with the seed's digests replaced by those of real blobs. One
 * deliberate difference: the no-config variant has its own layer, so tests can show gc keeps it.
 */
public final class SeedShapes {
    /** The tags, in the order they are written. */
    public static final List<String> TAGS = List.of("image", "artifact", "artifact-no-config",
            "artifact-empty-layers", "artifact-no-layers", "artifact-no-subject", "artifact-0-layer",
            "artifact-scratch-layer", "mixed-index", "cache");

    /** A 1x1 transparent GIF. */
    static final byte[] GIF = base64("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
    /** Another small GIF (1x1, black), the no-config variant's own layer. */
    static final byte[] GIF_BLACK = base64("R0lGODlhAQABAIAAAAUEBAAAACwAAAAAAQABAAACAkQBADs=");

    private SeedShapes() {
    }

    public static void main(String[] args) throws IOException {
        build(Path.of(args[0]));
    }

    public static void build(Path dir) throws IOException {
        Layout layout = Layout.create(dir);
        Map<String, Descriptor> tagged = new LinkedHashMap<>();

        // The subject: a small OCI image, one uncompressed layer.
        byte[] tar = tar("hello.txt", "hello from the seed image\n");
        Descriptor layer = layout.blobs().put(tar, MediaType.OCI_LAYER);
        byte[] config = json("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer.digest() + "\"]}}");
        Descriptor configDesc = layout.blobs().put(config, MediaType.OCI_CONFIG);
        Descriptor image = manifest(layout, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\","
                + "\"config\":" + d(configDesc) + ",\"layers\":[" + d(layer) + "]}", MediaType.OCI_MANIFEST);
        tagged.put("image", image);

        Descriptor empty = layout.blobs().put("{}".getBytes(StandardCharsets.UTF_8), MediaType.OCI_EMPTY);
        Descriptor zero = layout.blobs().put(new byte[0], MediaType.OCTET_STREAM);
        Descriptor gif = layout.blobs().put(GIF, "image/gif");
        Descriptor gifBlack = layout.blobs().put(GIF_BLACK, "image/gif");
        String subject = ",\"subject\":" + d(image);
        String head = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\"";
        String gifConfig = ",\"config\":" + d(Descriptor.of("image/gif", empty.digest(), 2));

        tagged.put("artifact", manifest(layout, head + gifConfig + subject + ",\"layers\":[" + d(gif) + "]}", null));
        tagged.put("artifact-no-config", manifest(layout, head + subject + ",\"layers\":[" + d(gifBlack) + "]}", null));
        tagged.put("artifact-empty-layers", manifest(layout, head + gifConfig + subject
                + ",\"layers\":[],\"annotations\":{\"com.example.key1\":\"value1\"}}", null));
        tagged.put("artifact-no-layers", manifest(layout, head + gifConfig + subject
                + ",\"annotations\":{\"com.example.key1\":\"value1\"}}", null));
        tagged.put("artifact-no-subject", manifest(layout, head + gifConfig + ",\"layers\":[" + d(gif) + "]}", null));
        tagged.put("artifact-0-layer", manifest(layout, head + gifConfig + subject + ",\"layers\":["
                + d(Descriptor.of(MediaType.OCTET_STREAM, zero.digest(), 0)) + "]}", null));
        tagged.put("artifact-scratch-layer", manifest(layout, head + ",\"config\":"
                + d(Descriptor.of("text/comment", empty.digest(), 2)) + subject + ",\"layers\":["
                + d(Descriptor.of(MediaType.OCTET_STREAM, empty.digest(), 2))
                + "],\"annotations\":{\"com.example.comment\":\"Hello world\"}}", null));

        // Seed 001: Docker media types inside an OCI index.
        byte[] dockerLayerBytes = gzip(tar("arm.txt", "hello from the arm/v7 image\n"));
        Descriptor dockerLayer = layout.blobs().put(dockerLayerBytes, MediaType.DOCKER_LAYER);
        Descriptor dockerConfig = layout.blobs().put(json("{\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\","
                + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digest.sha256(tar("arm.txt", "hello from the arm/v7 image\n")) + "\"]}}"), MediaType.DOCKER_CONFIG);
        Descriptor dockerManifest = manifest(layout, "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST
                + "\",\"config\":" + d(dockerConfig) + ",\"layers\":[" + d(dockerLayer) + "]}", MediaType.DOCKER_MANIFEST);
        List<Descriptor> entries = new ArrayList<>();
        entries.add(image.withPlatform(Platform.of("linux", "amd64", null)));
        entries.add(dockerManifest.withPlatform(Platform.of("linux", "arm", "v7")));
        tagged.put("mixed-index", index(layout, MediaType.OCI_INDEX, entries));

        // Seed 004: BuildKit's registry cache, a manifest list whose entries are layer blobs.
        List<Descriptor> cacheEntries = new ArrayList<>();
        for (String content : List.of("cache layer one\n", "cache layer two\n")) {
            byte[] raw = tar("cache.txt", content);
            Descriptor l = layout.blobs().put(gzip(raw), MediaType.DOCKER_LAYER)
                    .withAnnotation("buildkit/createdat", "2019-10-21T12:27:45.739079211Z")
                    .withAnnotation("containerd.io/uncompressed", Digest.sha256(raw).toString());
            cacheEntries.add(l);
        }
        cacheEntries.add(layout.blobs().put(json("{\"layers\":[{\"blob\":\"" + cacheEntries.get(0).digest()
                + "\",\"parent\":-1},{\"blob\":\"" + cacheEntries.get(1).digest() + "\",\"parent\":0}],\"records\":[]}"),
                "application/vnd.buildkit.cacheconfig.v0"));
        tagged.put("cache", index(layout, MediaType.DOCKER_MANIFEST_LIST, cacheEntries));

        layout.index().update(i -> {
            ImageIndex next = i;
            for (String tag : TAGS) {
                next = Tags.tag(next, tag, tagged.get(tag));
            }
            return next;
        });
    }

    private static Descriptor manifest(Layout layout, String json, String mediaType) throws IOException {
        return layout.blobs().put(json(json), mediaType != null ? mediaType : MediaType.OCI_MANIFEST);
    }

    private static Descriptor index(Layout layout, String mediaType, List<Descriptor> entries) throws IOException {
        byte[] bytes = ModelJson.toBytes(new ImageIndex(2, mediaType, null, entries, null, null, null), false);
        return layout.blobs().put(bytes, mediaType);
    }

    /** A descriptor as JSON with only mediaType, digest, size and annotations, as in the seeds. */
    private static String d(Descriptor x) {
        return new String(ModelJson.toBytes(new Descriptor(x.mediaType(), x.digest(), x.size(), null,
                x.annotations().isEmpty() ? null : x.annotations(), null, null, null, null)), StandardCharsets.UTF_8);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tar(String name, String content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(bytes.length);
            e.setModTime(0);
            e.setMode(0644);
            t.putArchiveEntry(e);
            t.write(bytes);
            t.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] base64(String s) {
        return java.util.Base64.getDecoder().decode(s);
    }
}
