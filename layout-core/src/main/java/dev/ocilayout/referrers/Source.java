package dev.ocilayout.referrers;

/** Where a referrer was found: the conventions of referrers-in-layouts.md. */
public enum Source {
    /** An index.json entry annotated {@code io.containerd.manifest.subject} (ours, containerd export). */
    SUBJECT_ANNOTATION("subject-annotation"),
    /** An index.json entry whose manifest has a {@code subject}, without annotation (oras, oras-java, zot). */
    INDEX_ENTRY("index-entry"),
    /** A referrers response listed with {@code org.opencontainers.image.referrer.subject} (image-spec PR #1171). */
    REFERRER_SUBJECT("referrer-subject"),
    /** A referrers response listed with {@code org.olareg.referrer.subject} (olareg). */
    OLAREG_SUBJECT("olareg-subject"),
    /** A referrers response tagged with the distribution-spec's referrers tag (regclient). */
    FALLBACK_TAG("fallback-tag"),
    /** A manifest with {@code subject} inside an index listed in index.json (BuildKit oci-artifact attestations). */
    NESTED("nested"),
    /** A BuildKit attestation inside an image index, marked by {@code vnd.docker.reference.*} annotations. */
    BUILDKIT_LEGACY("buildkit-attestation"),
    /** A manifest with {@code subject} stored only in blobs/ (cosign save); found with --scan-blobs. */
    BLOB_ONLY("blob-only"),
    /** cosign's legacy tags {@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}: the subject is in the name. */
    COSIGN_TAG("cosign-tag");

    private final String label;

    Source(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
