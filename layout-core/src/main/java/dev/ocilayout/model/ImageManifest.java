package dev.ocilayout.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OCI image manifest or Docker v2 schema 2 manifest.
 *
 * @param config      null when the document has none (the seed's "no config" variant, invalid per spec)
 * @param layers      empty when absent
 * @param subject     null when absent
 * @param extensions  unknown top-level fields as raw JSON
 */
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations,
        Map<String, String> extensions) implements Manifest {

    public ImageManifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = Descriptor.ordered(annotations);
        extensions = Descriptor.ordered(extensions);
    }

    @Override
    public List<Descriptor> children() {
        List<Descriptor> all = new ArrayList<>(layers.size() + 1);
        if (config != null) {
            all.add(config);
        }
        all.addAll(layers);
        return all;
    }
}
