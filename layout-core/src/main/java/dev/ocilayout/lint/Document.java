package dev.ocilayout.lint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;

/**
 * One manifest or index lint looked at.
 *
 * @param descriptor how it was reached (from {@code index.json} or a parent)
 * @param name       what to call it in reports: its tag, else the role it plays (e.g. {@code linux/arm64})
 * @param json       its content, parsed; null when it could not be read or parsed
 */
public record Document(Descriptor descriptor, String name, JsonNode json) {
    /** What a document is, by its media type, else by its shape. */
    public enum Kind { IMAGE, INDEX, OTHER }

    public Kind kind() {
        return kindOf(mediaType(), json);
    }

    /** The document's own media type, else its descriptor's. */
    public String mediaType() {
        JsonNode mt = json == null ? null : json.get("mediaType");
        return mt != null && mt.isTextual() ? mt.textValue() : descriptor.mediaType();
    }

    static Kind kindOf(String mediaType, JsonNode json) {
        if (MediaType.isImageManifest(mediaType)) {
            return Kind.IMAGE;
        }
        if (MediaType.isIndex(mediaType)) {
            return Kind.INDEX;
        }
        if (json != null && mediaType == null) {
            return json.has("manifests") ? Kind.INDEX : json.has("config") || json.has("layers") ? Kind.IMAGE : Kind.OTHER;
        }
        return Kind.OTHER;
    }
}
