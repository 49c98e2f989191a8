package dev.ocilayout.content;

/** A repository that can also be written: a layout, or a registry repository. */
public interface Target extends ReadOnlyTarget, BlobSink, ManifestSink, Tagger {
}
