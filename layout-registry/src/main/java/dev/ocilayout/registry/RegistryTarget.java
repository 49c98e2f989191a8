package dev.ocilayout.registry;

import dev.ocilayout.content.BlobMount;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Target;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.store.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One repository of a registry as a {@link Target}, over {@link RegistryClient}: blobs fetched verified as
 * they stream, manifests by tag or digest, tags from {@code tags/list} (every page), referrers from the
 * referrers API or the fallback tag; a tag is written by putting the manifest's bytes under it.
 */
public final class RegistryTarget implements Target, BlobMount {
    private final RegistryClient client;
    private final String repository;
    private final String mountFrom;

    public RegistryTarget(RegistryClient client, String repository) {
        this(client, repository, null);
    }

    /**
     * @param mountFrom another repository of the same registry to mount blobs from instead of uploading them
     *                  (a copy between two repositories of one registry), or null
     */
    public RegistryTarget(RegistryClient client, String repository, String mountFrom) {
        this.client = client;
        this.repository = repository;
        this.mountFrom = mountFrom;
    }

    /**
     * Mounts the blob from {@code mountFrom} when one was given, else from the source repository when the
     * source is another repository of this registry (seen through the same client). Manifests are never
     * mounted: they are put.
     */
    @Override
    public boolean mount(Descriptor blob, ReadOnlyTarget source) throws IOException {
        if (MediaType.isManifestLike(blob.mediaType())) {
            return false;
        }
        String from = mountFrom != null ? mountFrom
                : source instanceof RegistryTarget r && r.client == client && !r.repository.equals(repository)
                ? r.repository : null;
        return from != null && client.mountBlob(repository, blob.digest(), from);
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        return new VerifyingInputStream(client.blob(repository, blob.digest()), blob.digest(), blob.size(),
                "blob " + blob.digest() + " from " + client.registry() + "/" + repository);
    }

    /** The bytes as the registry sends them: the sink hashes them as it takes them. */
    @Override
    public InputStream fetchForSink(Descriptor blob) throws IOException {
        return client.blob(repository, blob.digest());
    }

    /** Asked of the manifests endpoint for a manifest, of the blobs endpoint for anything else. */
    @Override
    public boolean exists(Descriptor blob) throws IOException {
        return MediaType.isManifestLike(blob.mediaType()) ? client.hasManifest(repository, blob.digest())
                : client.hasBlob(repository, blob.digest());
    }

    @Override
    /**
     * Uploads the blob, verifying it as it goes (the sink's check, here, not the registry's): content that does
     * not match is refused before its last bytes are sent, so the upload never completes, and the error is
     * the digest mismatch, not the registry's {@code DIGEST_INVALID}.
     */
    public void push(Descriptor expected, InputStream content) throws IOException {
        boolean[] used = {false};
        InputStream checked = VerifyingInputStream.beforeTheLastBytes(content, expected.digest(), expected.size(),
                "blob " + expected.digest());
        try {
            client.putBlob(repository, expected, () -> {
                if (used[0]) {
                    throw new IllegalStateException("the content of " + expected.digest() + " can be sent once");
                }
                used[0] = true;
                return checked;
            });
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IntegrityException integrity) {
                    throw integrity;
                }
            }
            throw e;
        }
    }

    /**
     * A tag or digest of a manifest; a digest that names no manifest, of a blob (as a layout resolves it).
     * Registries answer a manifest GET for a blob's digest differently (distribution 2.8: HTTP 500), so for a
     * digest the blob is asked for when the manifest GET fails, and that failure is reported only when there
     * is no such blob either.
     */
    @Override
    public Descriptor resolve(String reference) throws IOException {
        Digest digest = Digest.ofReference(reference);
        java.util.Optional<RawManifest> manifest;
        LayoutException failed = null;
        try {
            manifest = client.manifest(repository, reference);
        } catch (LayoutException e) {
            if (digest == null || e instanceof IntegrityException) {
                throw e;
            }
            manifest = java.util.Optional.empty();
            failed = e;
        }
        if (manifest.isPresent()) {
            return manifest.get().descriptor();
        }
        var size = digest == null ? java.util.OptionalLong.empty() : client.blobSize(repository, digest);
        if (size.isPresent() && size.getAsLong() >= 0) {
            return Descriptor.of(MediaType.OCTET_STREAM, digest, size.getAsLong());
        }
        if (failed != null) {
            throw failed;
        }
        throw new NotFoundException(client.registry() + "/" + repository + (digest != null ? "@" : ":") + reference
                + " not found");
    }

    @Override
    public RawManifest fetchManifest(Descriptor manifest) throws IOException {
        RawManifest fetched = client.manifest(repository, manifest.digest().toString())
                .orElseThrow(() -> new NotFoundException("manifest " + manifest.digest() + " is not in "
                        + client.registry() + "/" + repository));
        return RawManifest.of(manifest, fetched.bytes());
    }

    /**
     * Puts the manifest under its digest; one with a {@code subject} pushed to a registry that does not
     * index it (no {@code OCI-Subject} in the answer: no referrers API) is added to the subject's fallback tag,
     * as the distribution-spec asks of clients.
     */
    @Override
    public void pushManifest(RawManifest manifest) throws IOException {
        put(manifest, manifest.digest().toString());
    }

    /** Puts the manifest under its tag in one request (it is then there by digest too). */
    @Override
    public void pushManifest(RawManifest manifest, String tag) throws IOException {
        put(manifest, tag);
    }

    private void put(RawManifest manifest, String reference) throws IOException {
        Manifest m = manifest.manifest();
        boolean indexed = client.putManifest(repository, reference, manifest.bytes(), manifest.mediaType()).isPresent();
        if (m.subject() != null && !indexed) {
            FallbackTag.add(client, repository, m.subject().digest(),
                    List.of(ReferrerIndex.responseDescriptor(manifest.descriptor(), m)));
        }
    }

    @Override
    public void tag(Descriptor manifest, String tag) throws IOException {
        RawManifest m = fetchManifest(manifest);
        client.putManifest(repository, tag, m.bytes(), m.mediaType());
    }

    /**
     * Stops the registry recording a referrer: removes it from its subject's fallback tag, if that lists it,
     * and deletes the referrer manifest by digest, so that a referrers API stops listing it. A registry that
     * deletes nothing has it removed from the fallback tag only, or, with nothing there, says it cannot.
     */
    public void detach(Digest referrer) throws IOException {
        Manifest m = fetchManifest(resolve(referrer.toString())).manifest();
        if (m.subject() == null) {
            throw new dev.ocilayout.error.InvalidContentException(client.registry() + "/" + repository + "@" + referrer
                    + " has no subject: it is not a referrer");
        }
        boolean fromTag = FallbackTag.remove(client, repository, m.subject().digest(), referrer);
        try {
            client.deleteManifest(repository, referrer.toString());
        } catch (dev.ocilayout.error.UnsupportedException e) {
            if (!fromTag) {
                throw e;
            }
        }
    }

    /** Removes a tag, where the registry deletes manifests by tag (else an UnsupportedException saying so). */
    public void untag(String tag) throws IOException {
        client.deleteManifest(repository, tag);
    }

    @Override
    public List<String> tags() throws IOException {
        List<String> tags = new ArrayList<>(client.tags(repository));
        tags.sort(null);
        return tags;
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor d : client.referrers(repository, subject)) {
            if (artifactType == null || artifactType.equals(d.artifactType())) {
                out.add(d);
            }
        }
        return out;
    }
}
