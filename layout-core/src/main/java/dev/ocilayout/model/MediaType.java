package dev.ocilayout.model;

import java.util.Map;

/**
 * Media types of the OCI image-spec and of Docker's image manifest v2 schema 2, and how to classify them.
 * Media types are plain strings everywhere in this library: an unknown one is a legal value and never an
 * error (image-spec image-layout.md: "An encountered mediaType that is unknown MUST NOT generate an error").
 */
public final class MediaType {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP =
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST_V1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_MANIFEST_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public static final String DOCKER_PLUGIN_CONFIG = "application/vnd.docker.plugin.v1+json";

    /** The ORAS artifact manifest of the withdrawn OCI artifact proposal; oras 0.16-1.0 wrote it. */
    public static final String ORAS_ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";

    /** Default media type of a file pushed without one. */
    public static final String OCTET_STREAM = "application/octet-stream";
    /** artifactType oras uses when an artifact has neither a config nor an artifact type. */
    public static final String UNKNOWN_ARTIFACT = "application/vnd.unknown.artifact.v1";

    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry(OCI_MANIFEST, "oci-manifest"),
            Map.entry(OCI_INDEX, "oci-index"),
            Map.entry(OCI_CONFIG, "oci-config"),
            Map.entry(OCI_LAYER, "oci-layer"),
            Map.entry(OCI_LAYER_GZIP, "oci-layer+gzip"),
            Map.entry(OCI_LAYER_ZSTD, "oci-layer+zstd"),
            Map.entry(OCI_EMPTY, "oci-empty"),
            Map.entry(DOCKER_MANIFEST, "docker-manifest"),
            Map.entry(DOCKER_MANIFEST_LIST, "docker-manifest-list"),
            Map.entry(DOCKER_CONFIG, "docker-config"),
            Map.entry(DOCKER_LAYER, "docker-layer+gzip"),
            Map.entry(DOCKER_FOREIGN_LAYER, "docker-foreign-layer"));

    /** The media types a reader hands out as these constants rather than as a new string each time. */
    private static final String[] KNOWN = {OCI_MANIFEST, OCI_INDEX, OCI_CONFIG, OCI_LAYER, OCI_LAYER_GZIP,
        OCI_LAYER_ZSTD, OCI_EMPTY, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_CONFIG, DOCKER_LAYER,
        ORAS_ARTIFACT_MANIFEST, OCTET_STREAM};

    private MediaType() {
    }

    /** The constant equal to {@code chars[offset, offset + length)}, or null when it is none of {@link #KNOWN}. */
    static String known(char[] chars, int offset, int length) {
        for (String k : KNOWN) {
            if (k.length() == length && matches(k, chars, offset)) {
                return k;
            }
        }
        return null;
    }

    private static boolean matches(String k, char[] chars, int offset) {
        for (int i = k.length() - 1; i >= 0; i--) { // from the end, where media types differ
            if (k.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** An OCI image manifest or a Docker v2 schema 2 manifest: a document with config and layers. */
    public static boolean isImageManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
    }

    /** An OCI image index or a Docker manifest list: a document listing other descriptors. */
    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    /** A manifest or an index, i.e. a document whose children are walked. */
    public static boolean isManifestOrIndex(String mediaType) {
        return isImageManifest(mediaType) || isIndex(mediaType);
    }

    /** A manifest, an index, or an ORAS artifact manifest: every document a copy or a walk reads for children. */
    public static boolean isManifestLike(String mediaType) {
        return isManifestOrIndex(mediaType) || ORAS_ARTIFACT_MANIFEST.equals(mediaType);
    }

    /** Docker's media types, which registries such as Quay refuse to mix with OCI ones. */
    public static boolean isDocker(String mediaType) {
        return mediaType != null && mediaType.startsWith("application/vnd.docker.");
    }

    /** A short name for display, e.g. {@code oci-manifest}; unknown types are returned as they are. */
    public static String shortName(String mediaType) {
        if (mediaType == null) {
            return "(none)";
        }
        return SHORT.getOrDefault(mediaType, mediaType);
    }
}
