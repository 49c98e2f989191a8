package dev.ocilayout.referrers;

import dev.ocilayout.model.Descriptor;
import java.util.Set;

/**
 * One referrer of a subject.
 *
 * @param descriptor the descriptor a registry's referrers response would hold: mediaType, digest, size,
 *                   {@code artifactType} (the manifest's, else its config's media type, omitted for an index
 *                   without one) and the manifest's annotations
 * @param sources    every convention that records it in this layout
 */
public record Referrer(Descriptor descriptor, Set<Source> sources) {
    public Referrer {
        sources = Set.copyOf(sources);
    }
}
