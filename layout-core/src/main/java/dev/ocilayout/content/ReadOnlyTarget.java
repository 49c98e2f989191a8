package dev.ocilayout.content;

/**
 * Content that can be read like a repository: blobs, manifests by tag or digest, tags and referrers. A
 * layout, a registry repository and an archive read in place are each one.
 */
public interface ReadOnlyTarget extends BlobSource, ManifestSource, TagLister, ReferrerSource {
}
