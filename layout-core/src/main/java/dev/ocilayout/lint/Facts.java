package dev.ocilayout.lint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.MediaType;
import java.util.ArrayList;
import java.util.List;

/** Finds the {@link Fact}s of one document, each with the JSON path where it shows. */
public final class Facts {
    /** One fact and where it is. */
    public record Observation(Fact fact, String path) {
    }

    static final long FOUR_MIB = 4L << 20;

    private Facts() {
    }

    /**
     * @param doc  the document, parsed
     * @param kind what it is (from its media type or shape)
     * @param size its size in bytes
     */
    public static List<Observation> of(JsonNode doc, Document.Kind kind, long size) {
        List<Observation> found = new ArrayList<>();
        if (size > FOUR_MIB) {
            found.add(new Observation(Fact.OVER_4MIB, "$"));
        }
        if (doc.has("subject")) {
            found.add(new Observation(Fact.SUBJECT, "$.subject"));
        }
        if (doc.has("artifactType")) {
            found.add(new Observation(Fact.ARTIFACT_TYPE, "$.artifactType"));
        }
        if (kind == Document.Kind.IMAGE) {
            image(doc, found);
        } else if (kind == Document.Kind.INDEX) {
            index(doc, found);
        }
        return found;
    }

    private static void image(JsonNode doc, List<Observation> found) {
        JsonNode config = doc.get("config");
        if (config == null || config.isNull()) {
            found.add(new Observation(Fact.NO_CONFIG, "$.config"));
        } else {
            String mt = config.path("mediaType").asText("");
            if (!mt.equals(MediaType.OCI_CONFIG) && !mt.equals(MediaType.DOCKER_CONFIG) && !mt.equals(MediaType.OCI_EMPTY)) {
                found.add(new Observation(Fact.ARBITRARY_CONFIG, "$.config.mediaType"));
            }
            if (config.path("size").isIntegralNumber() && config.path("size").asLong() == 0) {
                found.add(new Observation(Fact.ZERO_SIZE_BLOB, "$.config.size"));
            }
        }
        JsonNode layers = doc.get("layers");
        if (layers == null || layers.isNull()) {
            found.add(new Observation(Fact.NO_LAYERS, "$.layers"));
            return;
        }
        if (layers.isArray() && layers.isEmpty()) {
            found.add(new Observation(Fact.EMPTY_LAYERS, "$.layers"));
        }
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            if (l.path("size").isIntegralNumber() && l.path("size").asLong() == 0) {
                found.add(new Observation(Fact.ZERO_SIZE_BLOB, "$.layers[" + i + "].size"));
            }
            if (l.has("urls")) {
                found.add(new Observation(Fact.FOREIGN_LAYER, "$.layers[" + i + "].urls"));
            }
        }
    }

    private static void index(JsonNode doc, List<Observation> found) {
        JsonNode manifests = doc.path("manifests");
        boolean docker = false;
        boolean oci = false;
        for (int i = 0; i < manifests.size(); i++) {
            String mt = manifests.get(i).path("mediaType").asText("");
            String at = "$.manifests[" + i + "].mediaType";
            if (!MediaType.isManifestOrIndex(mt)) {
                found.add(new Observation(Fact.NON_MANIFEST_CHILD, at));
            } else if (MediaType.isIndex(mt)) {
                found.add(new Observation(Fact.NESTED_INDEX, at));
            }
            if (MediaType.isManifestOrIndex(mt)) {
                docker |= MediaType.isDocker(mt);
                oci |= !MediaType.isDocker(mt);
            }
        }
        if (docker && oci) {
            found.add(new Observation(Fact.MIXED_INDEX, "$.manifests"));
        }
    }
}
