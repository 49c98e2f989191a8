package dev.ocilayout.registry;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.referrers.ReferrerKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The distribution-spec's referrers tag schema, kept by a client for a registry without the referrers API
 * ("pushing manifests with subject"): the index under {@code <alg>-<hex>} of the subject lists its referrers.
 */
final class FallbackTag {
    private FallbackTag() {
    }

    /**
     * Adds referrers to the index under the subject's fallback tag; one that is there but cannot be read is
     * an error, never overwritten (it would drop every referrer it lists).
     */
    static void add(RegistryClient client, String repository, Digest subject, List<Descriptor> referrers)
            throws IOException {
        ImageIndex current = current(client, repository, subject);
        List<Descriptor> entries = new ArrayList<>(current == null ? List.of() : current.manifests());
        Set<Digest> have = new HashSet<>();
        entries.forEach(d -> have.add(d.digest()));
        boolean changed = false;
        for (Descriptor r : referrers) {
            if (have.add(r.digest())) {
                entries.add(r);
                changed = true;
            }
        }
        if (!changed && current != null) {
            return;
        }
        ImageIndex next = new ImageIndex(2, MediaType.OCI_INDEX, null, entries, null, null, null);
        client.putManifest(repository, ReferrerKeys.fallbackTag(subject), ModelJson.toBytes(next, false), MediaType.OCI_INDEX);
    }

    /**
     * Removes a referrer from the index under its subject's fallback tag; false when the tag does not list it
     * (or is not there). One that cannot be read is an error, never overwritten.
     */
    static boolean remove(RegistryClient client, String repository, Digest subject, Digest referrer) throws IOException {
        ImageIndex current = current(client, repository, subject);
        if (current == null || current.manifests().stream().noneMatch(d -> d.digest().equals(referrer))) {
            return false;
        }
        ImageIndex next = new ImageIndex(2, MediaType.OCI_INDEX, null,
                current.manifests().stream().filter(d -> !d.digest().equals(referrer)).toList(), null, null, null);
        client.putManifest(repository, ReferrerKeys.fallbackTag(subject), ModelJson.toBytes(next, false), MediaType.OCI_INDEX);
        return true;
    }

    /** The index under the fallback tag, or null; one that cannot be read is an error (fail closed). */
    private static ImageIndex current(RegistryClient client, String repository, Digest subject) throws IOException {
        try {
            return client.fallbackIndex(repository, subject).orElse(null);
        } catch (InvalidContentException e) {
            throw new InvalidContentException("the fallback tag " + ReferrerKeys.fallbackTag(subject) + " of " + subject
                    + " in " + client.registry() + "/" + repository + " cannot be read, so it is not rewritten: "
                    + e.getMessage(), e);
        }
    }
}
