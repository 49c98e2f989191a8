package dev.ocilayout.model;

/** Annotation keys this tool reads or writes. */
public final class Annotations {
    /** Tag of an {@code index.json} entry (image-spec annotations.md). */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** File name of a layer in an artifact. */
    public static final String TITLE = "org.opencontainers.image.title";
    /** Creation time, RFC 3339. */
    public static final String CREATED = "org.opencontainers.image.created";
    /** containerd: an {@code index.json} entry that is a referrer of the given subject digest. */
    public static final String CONTAINERD_SUBJECT = "io.containerd.manifest.subject";
    /** containerd: full image name of an {@code index.json} entry. */
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";

    private Annotations() {
    }
}
