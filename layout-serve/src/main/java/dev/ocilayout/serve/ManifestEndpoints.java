package dev.ocilayout.serve;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.sign.Signing;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /v2/<name>/manifests/<reference>}: GET and HEAD (as stored, by tag or digest), PUT (parsed, its blobs
 * required, stored, tagged; a manifest with a {@code subject} recorded as a referrer), DELETE (untag, or
 * unlist a digest; fail closed).
 */
final class ManifestEndpoints {
    private final Repositories repositories;
    private final List<java.security.PublicKey> requiredSignatures;

    ManifestEndpoints(Repositories repositories, List<java.security.PublicKey> requiredSignatures) {
        this.repositories = repositories;
        this.requiredSignatures = requiredSignatures;
    }

    /**
     * A manifest reference: a digest when it has a ':' (a tag cannot), refused as {@code DIGEST_INVALID} when
     * malformed; else a tag. A tag that cannot exist is simply unknown ({@code MANIFEST_UNKNOWN}, as the
     * conformance suite and docker-registry answer a GET of {@code .INVALID_MANIFEST_NAME}).
     */
    private static Descriptor resolveManifest(Repositories.Repository repository, String reference) throws IOException {
        Layout layout = repository.layout();
        try {
            if (reference.indexOf(':') >= 0) {
                return layout.resolve(Responses.parseDigest(reference));
            }
            String stored = RefName.isValid(reference) ? repository.scope().find(layout.index().read(), reference) : null;
            if (stored == null) {
                throw RegistryError.manifestUnknown(reference);
            }
            return layout.resolveTag(stored);
        } catch (NotFoundException e) {
            throw RegistryError.manifestUnknown(reference);
        }
    }

    void get(Exchange x, String name, String reference) throws IOException {
        Repositories.Repository repository = repositories.existing(name);
        Layout layout = repository.layout();
        Descriptor d = resolveManifest(repository, reference);
        if (!MediaType.isManifestOrIndex(d.mediaType()) && !d.mediaType().equals(MediaType.ORAS_ARTIFACT_MANIFEST)
                && !d.mediaType().startsWith("application/vnd.docker.distribution.manifest")) {
            throw RegistryError.manifestUnknown(reference + " (a blob of type " + d.mediaType() + ")");
        }
        byte[] bytes = layout.readManifestBytes(d);
                x.header("Content-Type", d.mediaType());
        x.header("Docker-Content-Digest", d.digest().toString());
        x.header("ETag", "\"" + d.digest() + "\"");
        x.send(200, bytes);
    }

    void put(Exchange x, String name, String reference) throws IOException {
        Repositories.Repository repository = repositories.repository(name, true);
        Layout layout = repository.layout();
        Digest byDigest = reference.indexOf(':') >= 0 ? Responses.parseDigest(reference) : null;
        if (byDigest == null && !RefName.isValid(repository.scope().refName(reference))) {
            throw new RegistryError(400, "TAG_INVALID", "invalid tag: " + reference);
        }
        int cap = layout.options().maxManifestBytes();
        byte[] bytes;
        try (InputStream in = x.body()) {
            bytes = in.readNBytes(cap + 1);
        }
        if (bytes.length > cap) {
            throw new RegistryError(413, "SIZE_INVALID", "manifest over " + cap + " bytes");
        }
        String type = Responses.contentType(x);
        Manifest m;
        try {
            m = ModelJson.parseManifest(bytes, type, "manifest");
        } catch (InvalidContentException e) {
            throw RegistryError.manifestInvalid(e.getMessage());
        }
        String mediaType = type != null ? type : m.mediaType() != null ? m.mediaType()
                : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        List<Descriptor> needed = new ArrayList<>();
        for (Descriptor c : m.children()) {
            if (c.data() == null && c.urls().isEmpty()) {
                needed.add(c);
            }
        }
        for (Descriptor c : needed) {
            java.nio.file.attribute.BasicFileAttributes a = layout.blobs().attributes(c.digest());
            if (a == null || !a.isRegularFile()) {
                throw new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "manifest references blob " + c.digest()
                        + ", which repository " + name + " does not have (push it first)");
            }
            if (a.size() != c.size()) {
                throw new RegistryError(400, "SIZE_INVALID", "manifest says blob " + c.digest() + " is " + c.size()
                        + " bytes; repository " + name + " has it with " + a.size());
            }
        }
        Descriptor stored = layout.blobs().put(bytes, mediaType);
        if (byDigest != null && !byDigest.equals(stored.digest())) {
            throw RegistryError.digestInvalid("the manifest's digest is " + stored.digest() + ", not " + byDigest);
        }
        if (byDigest == null && !requiredSignatures.isEmpty() && Signing.needsSignature(reference, stored)) {
            try {
                Signing.requireSigned(new LayoutTarget(layout, null, repository.scope()), stored, name + ":" + reference,
                        requiredSignatures);
            } catch (IntegrityException e) {
                // stored, untagged (gc reclaims it): push the signature, then the tag again
                throw new RegistryError(403, "DENIED", e.getMessage().replace("; nothing was tagged",
                        "; not tagged (push the signature first, then the tag)"));
            }
        }
        Descriptor subject = m.subject();
        ReferrerStrategy strategy = subject == null ? null : Referrers.choose(layout, null, false).in(repository.scope());
        Descriptor response = ReferrerIndex.responseDescriptor(stored, m);
        layout.index().update(index -> {
            layout.blobs().requirePresent(needed);
            ImageIndex next = byDigest == null ? Tags.tag(index, repository.scope().refName(reference), stored) : index;
            return subject == null ? next : strategy.add(layout, next, subject.digest(), response);
        });
                x.header("Location", "/v2/" + name + "/manifests/" + stored.digest());
        x.header("Docker-Content-Digest", stored.digest().toString());
        if (subject != null) {
            x.header("OCI-Subject", subject.digest().toString());
        }
        x.send(201, null);
    }

    void delete(Exchange x, String name, String reference) throws IOException {
        Repositories.Repository repository = repositories.existing(name);
        Layout layout = repository.layout();
        Digest digest = reference.indexOf(':') >= 0 ? Responses.parseDigest(reference) : null;
        if (digest == null) {
            String stored = RefName.isValid(reference) ? repository.scope().find(layout.index().read(), reference) : null;
            try {
                if (stored == null) {
                    throw RegistryError.manifestUnknown(reference);
                }
                Untagging.untag(layout, List.of(stored), false);
            } catch (NotFoundException e) {
                throw RegistryError.manifestUnknown(reference);
            }
        } else if (!Untagging.removeDigest(layout, digest, repository.scope(), false) && !layout.blobs().exists(digest)) {
            throw RegistryError.manifestUnknown(reference);
        }
        x.send(202, null);
    }
}
