package dev.ocilayout.lint;

/**
 * A property of a manifest or index that some registry is known to refuse. Registry profiles
 * ({@code registries.json}) name these; {@link Facts} finds them. Adding a rule about an existing fact needs no
 * code; a new kind of fact is one constant here and a few lines in {@link Facts}.
 */
public enum Fact {
    /** An image manifest without {@code config} (seed 000, "No Config"). */
    NO_CONFIG,
    /** An image manifest whose {@code layers} is {@code []} (seed 000, "Empty Layers"). */
    EMPTY_LAYERS,
    /** An image manifest without a {@code layers} field (seed 000, "No Layers"). */
    NO_LAYERS,
    /** An image manifest or index with a {@code subject} (seed 000's footnote on Docker Hub). */
    SUBJECT,
    /** A config or layer of size 0, such as {@code sha256:e3b0c442…} (seed 000, "Zero Layer"). */
    ZERO_SIZE_BLOB,
    /** A config whose media type is not an image config or the empty descriptor (seed 000, "Arbitrary Config"). */
    ARBITRARY_CONFIG,
    /** An index mixing Docker and OCI manifest media types (seed 001). */
    MIXED_INDEX,
    /** An index or manifest list with children that are not manifests, such as BuildKit's cache (seed 004). */
    NON_MANIFEST_CHILD,
    /** An index whose children include another index. */
    NESTED_INDEX,
    /** A document over 4 MiB, the size the distribution-spec says registries should accept at least. */
    OVER_4MIB,
    /** A layer with {@code urls}, to be fetched from elsewhere (foreign or non-distributable). */
    FOREIGN_LAYER,
    /** A manifest with {@code artifactType}. */
    ARTIFACT_TYPE
}
