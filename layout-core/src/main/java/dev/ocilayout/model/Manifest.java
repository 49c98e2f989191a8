package dev.ocilayout.model;

import java.util.List;
import java.util.Map;

/**
 * A parsed manifest-like document: an image manifest (OCI or Docker v2 schema 2) or an index (OCI image
 * index or Docker manifest list). Parsing never replaces the bytes: digests are over the bytes as stored.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {
    int schemaVersion();

    /** The {@code mediaType} field of the document, or null when it has none. */
    String mediaType();

    String artifactType();

    /** The {@code subject} descriptor, or null. A weak edge: reported apart from children. */
    Descriptor subject();

    Map<String, String> annotations();

    /** Descriptors this document holds strongly: config and layers, or the entries of {@code manifests}. */
    List<Descriptor> children();
}
