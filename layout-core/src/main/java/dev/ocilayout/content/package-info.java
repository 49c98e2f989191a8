/**
 * The roles content plays, in the spirit of oras-go's {@code content} package (Fetcher, Pusher, Storage,
 * TagResolver, Target), in our words: a {@link dev.ocilayout.content.BlobSource} and
 * {@link dev.ocilayout.content.BlobSink}, a {@link dev.ocilayout.content.ManifestSource} that resolves
 * references, a {@link dev.ocilayout.content.TagLister} and {@link dev.ocilayout.content.Tagger}, a
 * {@link dev.ocilayout.content.ReferrerSource}; composed into {@link dev.ocilayout.content.ReadOnlyTarget} and
 * {@link dev.ocilayout.content.Target}. Implementations: {@code copy.LayoutTarget} (a layout) and
 * {@code registry.RegistryTarget} (a registry repository). Copy and walk code written over these works on
 * any of them (spec-notes/architecture.md).
 */
package dev.ocilayout.content;
