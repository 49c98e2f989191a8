package dev.ocilayout.model;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An OCI image index or Docker manifest list; also the model of a layout's {@code index.json}.
 *
 * @param extensions unknown top-level fields as raw JSON, kept when {@code index.json} is rewritten
 */
public record ImageIndex(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations,
        Map<String, String> extensions) implements Manifest {

    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = Descriptor.ordered(annotations);
        extensions = Descriptor.ordered(extensions);
    }

    /** The empty {@code index.json} of a new layout. */
    public static ImageIndex empty() {
        return new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(), null, null, null);
    }

    @Override
    public List<Descriptor> children() {
        return manifests;
    }

    public ImageIndex withManifests(List<Descriptor> list) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, list, subject, annotations, extensions);
    }

    public ImageIndex withAnnotations(Map<String, String> a) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, a, extensions);
    }

    /** A copy without the entries {@code drop} matches. */
    public ImageIndex without(Predicate<Descriptor> drop) {
        return withManifests(manifests.stream().filter(drop.negate()).toList());
    }
}
