package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where things live in a layout. Blob paths are built from a validated {@link Digest} only, never from
 * strings, so they always stay two components below {@code blobs/}.
 */
public record LayoutFiles(Path root) {
    public static final String OCI_LAYOUT = "oci-layout";
    public static final String INDEX_JSON = "index.json";
    public static final String BLOBS = "blobs";
    /** Temp files of this tool; other tools (oras-go, containerd) may also keep files here. */
    public static final String INGEST = "ingest";
    /** Prefix and suffix of this tool's temp files, so that cleanup never touches another tool's files. */
    public static final String TEMP_PREFIX = "ocil-";
    public static final String TEMP_SUFFIX = ".tmp";

    public Path ociLayout() {
        return root.resolve(OCI_LAYOUT);
    }

    public Path indexJson() {
        return root.resolve(INDEX_JSON);
    }

    public Path blobs() {
        return root.resolve(BLOBS);
    }

    public Path ingest() {
        return root.resolve(INGEST);
    }

    public Path lockFile() {
        return root.resolve(LayoutLock.FILE_NAME);
    }

    public Path algorithmDir(String algorithm) {
        return blobs().resolve(algorithm);
    }

    public Path blob(Digest digest) {
        return algorithmDir(digest.algorithm()).resolve(digest.encoded());
    }

    /** A fresh temp file name in {@code ingest/}. */
    public Path newTemp() {
        return ingest().resolve(TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
    }

    /** True for names this tool gives its temp files. */
    public static boolean isOwnTemp(String fileName) {
        return fileName.startsWith(TEMP_PREFIX) && fileName.endsWith(TEMP_SUFFIX);
    }
}
