package dev.ocilayout.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ocilayout.InvalidContentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict, bounded reading and deterministic writing of the spec's JSON documents.
 *
 * <p>Reading rejects duplicate keys, trailing content, nesting deeper than 64, wrong field types and the
 * ambiguous manifest/index shapes of CVE-2021-41190, each with a message naming the source and the JSON
 * path. Fields it does not know are kept as raw JSON. Writing uses a fixed field order and is used only
 * for documents this tool creates itself and for {@code index.json}.
 */
public final class ModelJson {
    /** Default cap for a manifest or index blob (distribution-spec: registries accept at least 4 MiB). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** Default cap for {@code index.json}, which may list many thousands of entries. */
    public static final int MAX_INDEX_JSON_BYTES = 64 * 1024 * 1024;

    private static final int MAX_NESTING = 64;
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxNameLength(4096)
                            .maxNumberLength(64)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> DOCUMENT_FIELDS = Set.of(
            "schemaVersion", "mediaType", "artifactType", "config", "layers", "manifests", "subject", "annotations",
            "blobs");
    private static final Set<String> DESCRIPTOR_FIELDS = Set.of(
            "mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType");
    private static final Set<String> PLATFORM_FIELDS = Set.of(
            "architecture", "os", "os.version", "os.features", "variant", "features");

    private ModelJson() {
    }

    /** Parses bytes into a JSON object, strictly. */
    public static JsonNode readObject(byte[] bytes, String source) throws InvalidContentException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            String reason = firstLine(e.getOriginalMessage());
            throw new InvalidContentException(source + ": invalid JSON" + where + ": " + reason);
        } catch (IOException e) {
            throw new InvalidContentException(source + ": unreadable JSON: " + firstLine(e.getMessage()), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidContentException(source + ": empty document, expected a JSON object");
        }
        if (!node.isObject()) {
            throw new InvalidContentException(source + ": expected a JSON object, got " + kind(node));
        }
        return node;
    }

    /** Parses a layout's {@code index.json} (or any image index), streaming: no tree is built. */
    public static ImageIndex parseIndex(byte[] bytes, String source) throws InvalidContentException {
        try (com.fasterxml.jackson.core.JsonParser parser = MAPPER.getFactory().createParser(bytes)) {
            return IndexJsonReader.read(parser, source);
        } catch (JsonProcessingException e) {
            IndexJsonReader.rethrowAsContent(e, source);
            throw new IllegalStateException(e);
        } catch (InvalidContentException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidContentException(source + ": unreadable JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Parses a manifest or index blob.
     *
     * @param declaredMediaType the media type of the descriptor that pointed here, or null
     * @throws InvalidContentException when the bytes are not a manifest or index, are ambiguous, or their
     *                                 own {@code mediaType} contradicts the descriptor's
     */
    public static Manifest parseManifest(byte[] bytes, String declaredMediaType, String source)
            throws InvalidContentException {
        JsonNode root = readObject(bytes, source);
        Reader r = new Reader(source, root, "");
        r.rejectCaseVariants(DOCUMENT_FIELDS);
        String ownType = r.optString("mediaType");
        boolean hasManifests = r.has("manifests");
        boolean hasImageFields = r.has("config") || r.has("layers");
        if (hasManifests && hasImageFields) {
            throw new InvalidContentException(source + ": has both \"manifests\" and \"config\"/\"layers\""
                    + " (ambiguous manifest/index, CVE-2021-41190)");
        }
        if (ownType != null && declaredMediaType != null && MediaType.isManifestOrIndex(declaredMediaType)
                && !ownType.equals(declaredMediaType)) {
            throw new InvalidContentException(source + ": mediaType " + Text.quote(ownType)
                    + " differs from its descriptor's " + Text.quote(declaredMediaType));
        }
        String type = ownType != null ? ownType : declaredMediaType;
        if (MediaType.ORAS_ARTIFACT_MANIFEST.equals(type) && !hasManifests && !hasImageFields) {
            return readOrasArtifact(r);
        }
        boolean index = MediaType.isIndex(type) || (!MediaType.isImageManifest(type) && hasManifests);
        boolean image = MediaType.isImageManifest(type) || (!MediaType.isIndex(type) && hasImageFields);
        if (index && hasImageFields) {
            throw new InvalidContentException(source + ": mediaType " + Text.quote(type)
                    + " is an index but the document has \"config\"/\"layers\"");
        }
        if (image && hasManifests) {
            throw new InvalidContentException(source + ": mediaType " + Text.quote(type)
                    + " is a manifest but the document has \"manifests\"");
        }
        if (index) {
            return readIndex(r);
        }
        if (image) {
            return readImageManifest(r);
        }
        throw new InvalidContentException(source + ": not an image manifest or index (mediaType "
                + Text.quote(type) + ")");
    }

    /** Parses a single descriptor object, e.g. one given on the command line. */
    public static Descriptor parseDescriptor(byte[] bytes, String source) throws InvalidContentException {
        return new Reader(source, readObject(bytes, source), "").descriptor();
    }

    private static ImageIndex readIndex(Reader r) throws InvalidContentException {
        int schemaVersion = r.schemaVersion();
        String mediaType = r.optString("mediaType");
        String artifactType = r.optString("artifactType");
        List<Descriptor> manifests = r.descriptors("manifests");
        Descriptor subject = r.optDescriptor("subject");
        Map<String, String> annotations = r.stringMap("annotations");
        return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations,
                r.extensions(DOCUMENT_FIELDS));
    }

    private static ImageManifest readImageManifest(Reader r) throws InvalidContentException {
        int schemaVersion = r.schemaVersion();
        String mediaType = r.optString("mediaType");
        String artifactType = r.optString("artifactType");
        Descriptor config = r.optDescriptor("config");
        List<Descriptor> layers = r.descriptors("layers");
        Descriptor subject = r.optDescriptor("subject");
        Map<String, String> annotations = r.stringMap("annotations");
        return new ImageManifest(schemaVersion, mediaType, artifactType, config, layers, subject, annotations,
                r.extensions(DOCUMENT_FIELDS));
    }

    /**
     * The withdrawn ORAS artifact manifest ({@code blobs} instead of config and layers, no schemaVersion):
     * read as an image manifest without config whose layers are its blobs, so its content stays reachable.
     */
    private static ImageManifest readOrasArtifact(Reader r) throws InvalidContentException {
        return new ImageManifest(2, r.optString("mediaType"), r.optString("artifactType"), null,
                r.descriptors("blobs"), r.optDescriptor("subject"), r.stringMap("annotations"),
                r.extensions(DOCUMENT_FIELDS));
    }

    // ---------------------------------------------------------------- writing

    /** Compact JSON of a manifest this tool creates. */
    public static byte[] toBytes(ImageManifest m) {
        return write(false, g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", m.schemaVersion());
            writeOpt(g, "mediaType", m.mediaType());
            writeOpt(g, "artifactType", m.artifactType());
            if (m.config() != null) {
                g.writeFieldName("config");
                writeDescriptor(g, m.config());
            }
            g.writeArrayFieldStart("layers");
            for (Descriptor d : m.layers()) {
                writeDescriptor(g, d);
            }
            g.writeEndArray();
            if (m.subject() != null) {
                g.writeFieldName("subject");
                writeDescriptor(g, m.subject());
            }
            writeMap(g, "annotations", m.annotations());
            writeExtensions(g, m.extensions());
            g.writeEndObject();
        });
    }

    /** JSON of an index: compact for blobs, indented for a layout's {@code index.json}. */
    public static byte[] toBytes(ImageIndex index, boolean pretty) {
        return write(pretty, g -> {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", index.schemaVersion());
            writeOpt(g, "mediaType", index.mediaType());
            writeOpt(g, "artifactType", index.artifactType());
            g.writeArrayFieldStart("manifests");
            for (Descriptor d : index.manifests()) {
                writeDescriptor(g, d);
            }
            g.writeEndArray();
            if (index.subject() != null) {
                g.writeFieldName("subject");
                writeDescriptor(g, index.subject());
            }
            writeMap(g, "annotations", index.annotations());
            writeExtensions(g, index.extensions());
            g.writeEndObject();
        });
    }

    /** Compact JSON of one descriptor, e.g. for {@code --format json} output. */
    public static byte[] toBytes(Descriptor d) {
        return write(false, g -> writeDescriptor(g, d));
    }

    /** The shared mapper, for callers that print their own JSON reports. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static void writeDescriptor(JsonGenerator g, Descriptor d) throws IOException {
        g.writeStartObject();
        g.writeStringField("mediaType", d.mediaType());
        g.writeStringField("digest", d.digest().toString());
        g.writeNumberField("size", d.size());
        if (!d.urls().isEmpty()) {
            g.writeArrayFieldStart("urls");
            for (String u : d.urls()) {
                g.writeString(u);
            }
            g.writeEndArray();
        }
        writeOpt(g, "data", d.data());
        if (d.platform() != null) {
            Platform p = d.platform();
            g.writeObjectFieldStart("platform");
            g.writeStringField("architecture", p.architecture());
            g.writeStringField("os", p.os());
            writeOpt(g, "os.version", p.osVersion());
            writeList(g, "os.features", p.osFeatures());
            writeOpt(g, "variant", p.variant());
            writeList(g, "features", p.features());
            writeExtensions(g, p.extensions());
            g.writeEndObject();
        }
        writeOpt(g, "artifactType", d.artifactType());
        writeMap(g, "annotations", d.annotations());
        writeExtensions(g, d.extensions());
        g.writeEndObject();
    }

    private static void writeOpt(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void writeList(JsonGenerator g, String name, List<String> values) throws IOException {
        if (!values.isEmpty()) {
            g.writeArrayFieldStart(name);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }

    private static void writeMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        if (!map.isEmpty()) {
            g.writeObjectFieldStart(name);
            for (Map.Entry<String, String> e : map.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
    }

    private static void writeExtensions(JsonGenerator g, Map<String, String> extensions) throws IOException {
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeRawValue(e.getValue());
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(boolean pretty, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                        .withArrayIndenter(new DefaultIndenter("  ", "\n")));
            }
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pretty) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static String kind(JsonNode n) {
        return n.isArray() ? "an array" : n.isTextual() ? "a string" : n.isNumber() ? "a number"
                : n.isBoolean() ? "a boolean" : n.isNull() ? "null" : "an object";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Typed field access over one JSON object, with error messages that carry the JSON path. */
    private static final class Reader {
        private final String source;
        private final JsonNode node;
        private final String path;

        Reader(String source, JsonNode node, String path) {
            this.source = source;
            this.node = node;
            this.path = path;
        }

        boolean has(String name) {
            return node.has(name);
        }

        InvalidContentException error(String field, String problem) {
            String at = path.isEmpty() ? field : field == null ? path : path + "." + field;
            return new InvalidContentException(source + ": " + (at == null || at.isEmpty() ? "" : at + ": ") + problem);
        }

        void rejectCaseVariants(Set<String> known) throws InvalidContentException {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (known.contains(name)) {
                    continue;
                }
                for (String k : known) {
                    if (k.equalsIgnoreCase(name)) {
                        throw error(null, "field " + Text.quote(name) + " differs from " + Text.quote(k)
                                + " only in case (ambiguous between parsers)");
                    }
                }
            }
        }

        int schemaVersion() throws InvalidContentException {
            JsonNode v = node.get("schemaVersion");
            if (v == null) {
                throw error("schemaVersion", "missing");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error("schemaVersion", "must be an integer, got " + kind(v));
            }
            if (v.intValue() != 2) {
                throw error("schemaVersion", "unsupported value " + v.intValue() + ", expected 2");
            }
            return 2;
        }

        String optString(String name) throws InvalidContentException {
            JsonNode v = node.get(name);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw error(name, "must be a string, got " + kind(v));
            }
            return v.textValue();
        }

        String requiredString(String name) throws InvalidContentException {
            String s = optString(name);
            if (s == null) {
                throw error(name, "missing");
            }
            return s;
        }

        Map<String, String> stringMap(String name) throws InvalidContentException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return Map.of();
            }
            if (!v.isObject()) {
                throw error(name, "must be an object of strings, got " + kind(v));
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw error(name + "." + e.getKey(), "must be a string, got " + kind(e.getValue()));
                }
                map.put(e.getKey(), e.getValue().textValue());
            }
            return map;
        }

        List<String> stringList(String name) throws InvalidContentException {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error(name, "must be an array of strings, got " + kind(v));
            }
            List<String> list = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw error(name + "[" + i + "]", "must be a string, got " + kind(v.get(i)));
                }
                list.add(v.get(i).textValue());
            }
            return list;
        }

        List<Descriptor> descriptors(String name) throws InvalidContentException {
            JsonNode v = node.get(name);
            if (v == null) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error(name, "must be an array of descriptors, got " + kind(v));
            }
            List<Descriptor> list = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                list.add(child(name + "[" + i + "]", v.get(i)).descriptor());
            }
            return list;
        }

        Descriptor optDescriptor(String name) throws InvalidContentException {
            JsonNode v = node.get(name);
            if (v == null) {
                return null;
            }
            return child(name, v).descriptor();
        }

        private Reader child(String name, JsonNode v) throws InvalidContentException {
            String childPath = path.isEmpty() ? name : path + "." + name;
            if (!v.isObject()) {
                throw new InvalidContentException(source + ": " + childPath + ": must be an object, got " + kind(v));
            }
            return new Reader(source, v, childPath);
        }

        Descriptor descriptor() throws InvalidContentException {
            String mediaType = requiredString("mediaType");
            String digestText = requiredString("digest");
            Digest digest;
            try {
                digest = Digest.parse(digestText);
            } catch (IllegalArgumentException e) {
                throw error("digest", e.getMessage());
            }
            JsonNode sizeNode = node.get("size");
            if (sizeNode == null) {
                throw error("size", "missing");
            }
            if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong()) {
                throw error("size", "must be an integer, got " + (sizeNode.isNumber() ? sizeNode.toString() : kind(sizeNode)));
            }
            long size = sizeNode.longValue();
            if (size < 0) {
                throw error("size", "must not be negative, got " + size);
            }
            String data = optString("data");
            if (data != null) {
                try {
                    java.util.Base64.getDecoder().decode(data);
                } catch (IllegalArgumentException e) {
                    throw error("data", "is not valid base64");
                }
            }
            Platform platform = null;
            JsonNode p = node.get("platform");
            if (p != null) {
                Reader pr = child("platform", p);
                platform = new Platform(pr.requiredString("architecture"), pr.requiredString("os"),
                        pr.optString("os.version"), pr.stringList("os.features"), pr.optString("variant"),
                        pr.stringList("features"), pr.extensions(PLATFORM_FIELDS));
            }
            return new Descriptor(mediaType, digest, size, stringList("urls"), stringMap("annotations"), data,
                    platform, optString("artifactType"), extensions(DESCRIPTOR_FIELDS));
        }

        Map<String, String> extensions(Set<String> known) {
            Map<String, String> ext = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!known.contains(e.getKey())) {
                    if (ext == null) {
                        ext = new LinkedHashMap<>();
                    }
                    ext.put(e.getKey(), e.getValue().toString());
                }
            }
            return ext == null ? Map.of() : ext;
        }
    }
}
