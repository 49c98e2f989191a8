package dev.ocilayout.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads manifests and indexes straight from the token stream, without building a tree first: a layout's
 * {@code index.json} can hold tens of thousands of entries and is read by every command, and the graph
 * walk parses thousands of manifests; both go through {@link #document}. Duplicate keys, trailing content,
 * wrong types and case-variant keys are rejected with the JSON path; unknown fields are kept as raw JSON.
 */
final class DocumentReader {
    /** The fields read as values; any other field is kept as raw JSON. */
    private static final Set<String> TYPED_FIELDS = Set.of(
            "schemaVersion", "mediaType", "artifactType", "config", "layers", "manifests", "subject", "annotations");
    /**
     * The fields a key must not differ from only in case: the typed ones and {@code blobs}, which belongs to
     * the withdrawn ORAS artifact manifest alone and so is kept raw, as an unknown field is, until that
     * manifest asks for it ({@link Document#orasBlobs}).
     */
    private static final Set<String> KNOWN_FIELDS = plus(TYPED_FIELDS, "blobs");

    private static Set<String> plus(Set<String> names, String name) {
        Set<String> all = new java.util.HashSet<>(names);
        all.add(name);
        return Set.copyOf(all);
    }

    /**
     * Reads one value in the middle of a stream (the mapper's trailing-token check applies to whole
     * documents); built on first use, since most indexes have no unknown fields.
     */
    private static final class Raw {
        static final com.fasterxml.jackson.databind.ObjectReader READER = ModelJson.mapper().reader()
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private final JsonParser p;
    private final String source;

    private DocumentReader(JsonParser p, String source) {
        this.p = p;
        this.source = source;
    }

    /**
     * Reads a manifest or index document field by field. Each field is checked as it streams by, but a
     * field's problem is reported only when {@link ModelJson} uses the field, in its fixed order, so which
     * problem a document is refused for does not depend on the order of its keys.
     */
    static Document document(JsonParser parser, String source) throws IOException {
        return new DocumentReader(parser, source).document();
    }

    /** The known fields of a document, read; see {@link #document}. */
    static final class Document {
        private final String source;
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, InvalidContentException> invalid = new HashMap<>();
        private final Map<String, String> extensions = new LinkedHashMap<>();

        private Document(String source) {
            this.source = source;
        }

        /** Whether the field is there, whatever its value. */
        boolean has(String name) {
            return values.containsKey(name) || invalid.containsKey(name);
        }

        private Object get(String name) throws InvalidContentException {
            InvalidContentException e = invalid.get(name);
            if (e != null) {
                throw e;
            }
            return values.get(name);
        }

        int schemaVersion() throws InvalidContentException {
            if (!has("schemaVersion")) {
                throw new InvalidContentException(source + ": schemaVersion: missing");
            }
            return (Integer) get("schemaVersion");
        }

        String optString(String name) throws InvalidContentException {
            return (String) get(name);
        }

        Descriptor optDescriptor(String name) throws InvalidContentException {
            return (Descriptor) get(name);
        }

        @SuppressWarnings("unchecked")
        List<Descriptor> descriptors(String name) throws InvalidContentException {
            Object v = get(name);
            return v == null ? List.of() : (List<Descriptor>) v;
        }

        @SuppressWarnings("unchecked")
        Map<String, String> annotations() throws InvalidContentException {
            Object v = get("annotations");
            return v == null ? Map.of() : (Map<String, String>) v;
        }

        /** Fields this tool does not know, as raw JSON, in document order. */
        Map<String, String> extensions() {
            return extensions.isEmpty() ? Map.of() : extensions;
        }

        /**
         * The descriptors of the ORAS artifact manifest's {@code blobs} (kept raw while the document streamed
         * by, since in any other document it is an unknown field), read now.
         */
        List<Descriptor> orasBlobs() throws InvalidContentException {
            String raw = extensions.get("blobs");
            if (raw == null) {
                return List.of();
            }
            return ModelJson.stream(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8), source, p -> {
                DocumentReader r = new DocumentReader(p, source);
                List<Descriptor> blobs = r.descriptors(p.nextToken(), "blobs");
                endDocument(p, source);
                return blobs;
            });
        }

        /** {@link #extensions()} less one field. */
        Map<String, String> extensionsWithout(String name) {
            if (!extensions.containsKey(name)) {
                return extensions();
            }
            Map<String, String> rest = new LinkedHashMap<>(extensions);
            rest.remove(name);
            return rest.isEmpty() ? Map.of() : rest;
        }
    }

    private Document document() throws IOException {
        startObject(p, source);
        JsonStreamContext top = p.getParsingContext();
        Document doc = new Document(source);
        InvalidContentException caseVariant = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (!TYPED_FIELDS.contains(name)) {
                if (caseVariant == null) {
                    try {
                        rejectCaseVariant(name);
                    } catch (InvalidContentException e) {
                        caseVariant = e;
                    }
                }
                doc.extensions.put(name, raw());
                continue;
            }
            try {
                doc.values.put(name, switch (name) {
                    case "schemaVersion" -> schemaVersion(v);
                    case "mediaType", "artifactType" -> string(v, name);
                    case "config", "subject" -> descriptor(v, name);
                    case "annotations" -> stringMap(v, name);
                    default -> descriptors(v, name); // layers, manifests
                });
            } catch (InvalidContentException e) {
                doc.invalid.put(name, e);
                while (p.getParsingContext() != top) {
                    p.nextToken(); // past the rest of the refused value
                }
            }
        }
        endDocument(p, source);
        if (caseVariant != null) {
            throw caseVariant;
        }
        return doc;
    }

    private InvalidContentException error(String path, String problem) {
        return new InvalidContentException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    private void rejectCaseVariant(String name) throws InvalidContentException {
        for (String k : KNOWN_FIELDS) {
            if (!k.equals(name) && k.equalsIgnoreCase(name)) {
                throw new InvalidContentException(source + ": field " + Text.quote(name) + " differs from "
                        + Text.quote(k) + " only in case (ambiguous between parsers)");
            }
        }
    }

    private int schemaVersion(JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw error("schemaVersion", "must be an integer, got " + kind(v));
        }
        int n = p.getIntValue();
        if (n != 2) {
            throw error("schemaVersion", "unsupported value " + n + ", expected 2");
        }
        return n;
    }

    private String string(JsonToken v, String path) throws IOException {
        return string(v, path, -1, null);
    }

    /*
     * The JSON path of a field is built only when the field is refused: a layout's index.json has a hundred
     * thousand descriptors, and building "manifests[i].mediaType" for every field of every one was a third of
     * reading it. So the helpers below take the path in parts, joined by at().
     */

    /** {@code base[index].field}, leaving out the index when it is negative and the field when null. */
    private static String at(String base, int index, String field) {
        String indexed = index < 0 ? base : base + "[" + index + "]";
        return field == null ? indexed : indexed + "." + field;
    }

    private String string(JsonToken v, String base, int index, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw error(at(base, index, field), "must be a string, got " + kind(v));
        }
        return p.getText();
    }

    /** A media type, as the library's own constant when it is one of the spec's (one copy, not one per entry). */
    private String mediaType(JsonToken v, String base, int index, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw error(at(base, index, field), "must be a string, got " + kind(v));
        }
        String known = MediaType.known(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        return known != null ? known : p.getText();
    }

    /** A digest, parsed from the parser's buffer (see {@link Digest#parse(char[], int, int)}). */
    private Digest digest(JsonToken v, String base, int index) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw error(at(base, index, "digest"), "must be a string, got " + kind(v));
        }
        try {
            return Digest.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } catch (IllegalArgumentException e) {
            throw error(at(base, index, "digest"), e.getMessage());
        }
    }

    private List<Descriptor> descriptors(JsonToken v, String path) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw error(path, "must be an array of descriptors, got " + kind(v));
        }
        List<Descriptor> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            list.add(descriptor(t, path, list.size()));
        }
        return list;
    }

    private Descriptor descriptor(JsonToken v, String path) throws IOException {
        return descriptor(v, path, -1);
    }

    private Descriptor descriptor(JsonToken v, String base, int index) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw error(at(base, index, null), "must be an object, got " + kind(v));
        }
        String mediaType = null;
        Digest parsed = null;
        long size = -1;
        List<String> urls = List.of();
        Map<String, String> annotations = Map.of();
        String data = null;
        Platform platform = null;
        String artifactType = null;
        Map<String, String> extensions = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "mediaType" -> mediaType = mediaType(t, base, index, "mediaType");
                case "digest" -> parsed = digest(t, base, index);
                case "size" -> size = size(t, base, index);
                case "urls" -> urls = stringList(t, base, index, "urls");
                case "annotations" -> annotations = stringMap(t, base, index, "annotations");
                case "data" -> data = string(t, base, index, "data");
                case "platform" -> platform = platform(t, base, index);
                case "artifactType" -> artifactType = mediaType(t, base, index, "artifactType");
                default -> {
                    if (extensions == null) {
                        extensions = new LinkedHashMap<>();
                    }
                    extensions.put(name, raw());
                }
            }
        }
        if (mediaType == null) {
            throw error(at(base, index, "mediaType"), "missing");
        }
        if (parsed == null) {
            throw error(at(base, index, "digest"), "missing");
        }
        if (size < 0) {
            throw error(at(base, index, "size"), "missing");
        }
        if (data != null) {
            try {
                Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw error(at(base, index, "data"), "is not valid base64");
            }
        }
        return new Descriptor(mediaType, parsed, size, urls, annotations, data, platform, artifactType, extensions);
    }

    /** A size: an integer that is not negative (so -1 can stand for "not seen" above). */
    private long size(JsonToken t, String base, int index) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw error(at(base, index, "size"), "must be an integer, got "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : kind(t)));
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw error(at(base, index, "size"), "must be an integer, got " + p.getText());
        }
        long size = p.getLongValue();
        if (size < 0) {
            throw error(at(base, index, "size"), "must not be negative, got " + size);
        }
        return size;
    }

    private Platform platform(JsonToken v, String base, int index) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            throw error(at(base, index, "platform"), "must be an object, got " + kind(v));
        }
        String path = at(base, index, "platform");
        String architecture = null;
        String os = null;
        String osVersion = null;
        List<String> osFeatures = List.of();
        String variant = null;
        List<String> features = List.of();
        Map<String, String> extensions = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "architecture" -> architecture = string(t, path, -1, "architecture");
                case "os" -> os = string(t, path, -1, "os");
                case "os.version" -> osVersion = string(t, path, -1, "os.version");
                case "os.features" -> osFeatures = stringList(t, path, -1, "os.features");
                case "variant" -> variant = string(t, path, -1, "variant");
                case "features" -> features = stringList(t, path, -1, "features");
                default -> {
                    if (extensions == null) {
                        extensions = new LinkedHashMap<>();
                    }
                    extensions.put(name, raw());
                }
            }
        }
        if (architecture == null) {
            throw error(path + ".architecture", "missing");
        }
        if (os == null) {
            throw error(path + ".os", "missing");
        }
        return new Platform(architecture, os, osVersion, osFeatures, variant, features, extensions);
    }

    private Map<String, String> stringMap(JsonToken v, String path) throws IOException {
        return stringMap(v, path, -1, null);
    }

    /** A map of strings; one of a single entry (a tag's ref.name, mostly) as {@code Map.of}, the smallest kind. */
    private Map<String, String> stringMap(JsonToken v, String base, int index, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (v != JsonToken.START_OBJECT) {
            throw error(at(base, index, field), "must be an object of strings, got " + kind(v));
        }
        String firstKey = null;
        String firstValue = null;
        Map<String, String> map = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_STRING) {
                throw error(at(base, index, field) + "." + key, "must be a string, got " + kind(t));
            }
            if (firstKey == null) {
                firstKey = key;
                firstValue = p.getText();
            } else {
                if (map == null) {
                    map = new LinkedHashMap<>();
                    map.put(firstKey, firstValue);
                }
                map.put(key, p.getText());
            }
        }
        return map != null ? map : firstKey == null ? Map.of() : Map.of(firstKey, firstValue);
    }

    private List<String> stringList(JsonToken v, String base, int index, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (v != JsonToken.START_ARRAY) {
            throw error(at(base, index, field), "must be an array of strings, got " + kind(v));
        }
        List<String> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw error(at(base, index, field) + "[" + list.size() + "]", "must be a string, got " + kind(t));
            }
            list.add(p.getText());
        }
        return list;
    }

    /** The current value as compact raw JSON. */
    private String raw() throws IOException {
        return Raw.READER.readTree(p).toString();
    }

    /** Reads the opening of a document that must be a JSON object. */
    static void startObject(JsonParser p, String source) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new InvalidContentException(source + ": empty document, expected a JSON object");
        }
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidContentException(source + ": expected a JSON object, got " + kind(t));
        }
    }

    /** Checks that nothing follows the document's closing brace. */
    static void endDocument(JsonParser p, String source) throws IOException {
        if (p.nextToken() != null) {
            throw new InvalidContentException(source + ": trailing content after the JSON object");
        }
    }

    static String kind(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    static void rethrowAsContent(JsonProcessingException e, String source) throws InvalidContentException {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
        String reason = e.getOriginalMessage() == null ? "unknown error" : e.getOriginalMessage().lines().findFirst().orElse("");
        throw new InvalidContentException(source + ": invalid JSON" + where + ": " + reason);
    }
}
