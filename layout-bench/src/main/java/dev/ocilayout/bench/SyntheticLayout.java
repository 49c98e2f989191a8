package dev.ocilayout.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes a large synthetic OCI layout for benchmarks, fast (no fsync: this is test data):
 * {@code MANIFESTS} image manifests of one config and {@code LAYERS} layers each (small blobs), of which
 * the first {@code TAGGED} are tagged in {@code index.json} and the rest are garbage for gc.
 *
 * <pre>java -cp benchmarks.jar dev.ocilayout.bench.SyntheticLayout DIR MANIFESTS TAGGED LAYERS</pre>
 *
 * With the defaults 20000 10000 4: 20,000 manifests and 100,000 blobs; half unreachable.
 */
public final class SyntheticLayout {
    private SyntheticLayout() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int manifests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int tagged = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int layers = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        for (int m = 0; m < manifests; m++) {
            StringBuilder diffIds = new StringBuilder();
            StringBuilder layerDescs = new StringBuilder();
            for (int l = 0; l < layers; l++) {
                String digest = write(blobs, "layer " + l + " of manifest " + m + " " + "x".repeat(100));
                long size = ("layer " + l + " of manifest " + m + " " + "x".repeat(100)).length();
                diffIds.append(l > 0 ? "," : "").append('"').append(digest).append('"');
                layerDescs.append(l > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                        .append(digest).append("\",\"size\":").append(size).append('}');
            }
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                    + diffIds + "]}}";
            String configDigest = write(blobs, config);
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                    + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                    + config.length() + "},\"layers\":[" + layerDescs + "]}";
            String manifestDigest = write(blobs, manifest);
            if (m < tagged) {
                index.append(m > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"")
                        .append(manifestDigest).append("\",\"size\":").append(manifest.length())
                        .append(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"tag-").append(m).append("\"}}");
            }
        }
        index.append("]}");
        Files.writeString(dir.resolve("index.json"), index);
    }

    private static String write(Path blobs, String content) throws IOException, NoSuchAlgorithmException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(blobs.resolve(hex), bytes);
        return "sha256:" + hex;
    }
}
