package dev.ocilayout.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Writes a layout with {@code SUBJECTS} tagged images and {@code PER} referrers of each, recorded as
 * subject-annotation entries (this tool's default), fast and without fsync: benchmark data.
 *
 * <pre>java -cp benchmarks.jar dev.ocilayout.bench.SyntheticReferrers DIR SUBJECTS PER</pre>
 * Prints the digest of the first subject.
 */
public final class SyntheticReferrers {
    private SyntheticReferrers() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int subjects = Integer.parseInt(args[1]);
        int per = Integer.parseInt(args[2]);
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        String empty = write(blobs, "{}");
        StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        String first = null;
        for (int s = 0; s < subjects; s++) {
            String layer = "layer of image " + s;
            String layerDigest = write(blobs, layer);
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}";
            String configDigest = write(blobs, config);
            String image = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length()
                    + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
                    + "\",\"size\":" + layer.length() + "}]}";
            String imageDigest = write(blobs, image);
            first = first == null ? imageDigest : first;
            index.append(s > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"")
                    .append(imageDigest).append("\",\"size\":").append(image.length())
                    .append(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"image-").append(s).append("\"}}");
            for (int r = 0; r < per; r++) {
                String payload = "payload " + r + " of image " + s;
                String payloadDigest = write(blobs, payload);
                String type = "application/vnd.example.type" + (r % 3);
                String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\""
                        + type + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + empty
                        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\"" + payloadDigest
                        + "\",\"size\":" + payload.length() + "}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"digest\":\"" + imageDigest + "\",\"size\":" + image.length()
                        + "},\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\"}}";
                String manifestDigest = write(blobs, manifest);
                index.append(",{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"").append(manifestDigest)
                        .append("\",\"size\":").append(manifest.length()).append(",\"artifactType\":\"").append(type)
                        .append("\",\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\",")
                        .append("\"io.containerd.manifest.subject\":\"").append(imageDigest).append("\"}}");
            }
        }
        index.append("]}");
        Files.writeString(dir.resolve("index.json"), index);
        System.out.println(first);
    }

    private static String write(Path blobs, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(blobs.resolve(hex), bytes);
        return "sha256:" + hex;
    }
}
