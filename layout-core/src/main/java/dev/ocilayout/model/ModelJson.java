package dev.ocilayout.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.text.Text;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

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

    /**
     * Manifests, indexes and {@code oci-layout} are read from the token stream, and everything is written,
     * through this factory alone. The tree mapper is built on first use ({@link Mapper}): setting it up is
     * most of a short command's start (60 ms of a 270 ms {@code tags}), and the graph walk parses thousands
     * of manifests, for which a tree is only garbage.
     */
    static final JsonFactory FACTORY = factory();

    private static JsonFactory factory() {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxNameLength(4096)
                        .maxNumberLength(64)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /** The tree mapper, same limits as {@link #FACTORY} (its own instance: a mapper claims its factory). */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = JsonMapper.builder(factory())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    private ModelJson() {
    }

    /**
     * Refuses JSON that is not UTF-8 without a byte order mark. RFC 8259 §8.1: JSON exchanged between
     * systems "MUST be encoded using UTF-8" and implementations "MUST NOT add a byte order mark"; Go's
     * encoding/json (skopeo, umoci, containerd, every registry) reads nothing else, while Jackson would detect
     * UTF-16 or UTF-32 and skip a BOM, so the two would disagree on what a document says (spec-notes/json.md).
     * Valid UTF-8 JSON has no NUL byte among its first four (they are whitespace, a bracket or the start of a
     * string, whose control characters must be escaped), so a NUL there means UTF-16 or UTF-32.
     */
    public static void requireUtf8(byte[] bytes, String source) throws InvalidContentException {
        int n = bytes.length;
        if (n >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            throw new InvalidContentException(source + ": starts with a UTF-8 byte order mark, which JSON must not have"
                    + " (RFC 8259 section 8.1)");
        }
        if (n >= 2 && ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff
                || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe)) {
            throw new InvalidContentException(source + ": is UTF-16 or UTF-32 (it starts with a byte order mark);"
                    + " JSON must be UTF-8 (RFC 8259 section 8.1)");
        }
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (bytes[i] == 0) {
                throw new InvalidContentException(source + ": is UTF-16 or UTF-32 (NUL byte at offset " + i
                        + "); JSON must be UTF-8 (RFC 8259 section 8.1)");
            }
        }
    }

    /** Parses bytes into any JSON value (a docker {@code manifest.json} is an array), strictly, UTF-8 only. */
    public static JsonNode readTree(byte[] bytes, String source) throws InvalidContentException {
        JsonNode node = tree(bytes, source);
        if (node == null) {
            throw new InvalidContentException(source + ": empty document");
        }
        return node;
    }

    /** Parses bytes into a JSON object, strictly. */
    public static JsonNode readObject(byte[] bytes, String source) throws InvalidContentException {
        JsonNode node = tree(bytes, source);
        if (node == null) {
            throw new InvalidContentException(source + ": empty document, expected a JSON object");
        }
        if (!node.isObject()) {
            throw new InvalidContentException(source + ": expected a JSON object, got " + kind(node));
        }
        return node;
    }

    /** The document as a tree, UTF-8 only and strictly parsed; null when it holds nothing. */
    private static JsonNode tree(byte[] bytes, String source) throws InvalidContentException {
        requireUtf8(bytes, source);
        JsonNode node;
        try {
            node = Mapper.INSTANCE.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new InvalidContentException(source + ": invalid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidContentException(source + ": unreadable JSON: " + firstLine(e.getMessage()), e);
        }
        return node == null || node.isMissingNode() ? null : node;
    }

    /** Parses a layout's {@code index.json} (or any image index), streaming: no tree is built. */
    public static ImageIndex parseIndex(byte[] bytes, String source) throws InvalidContentException {
        DocumentReader.Document r = stream(bytes, source, p -> DocumentReader.document(p, source));
        if (r.has("config") || r.has("layers")) {
            throw new InvalidContentException(source
                    + ": an index must not have \"config\" or \"layers\" (ambiguous manifest/index, CVE-2021-41190)");
        }
        return readIndex(r);
    }

    interface StreamRead<T> {
        T read(JsonParser p) throws IOException;
    }

    /** Runs a streaming read over the bytes, with the tree reader's messages for JSON that does not parse. */
    static <T> T stream(byte[] bytes, String source, StreamRead<T> read) throws InvalidContentException {
        requireUtf8(bytes, source);
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            return read.read(parser);
        } catch (JsonProcessingException e) {
            DocumentReader.rethrowAsContent(e, source);
            throw new IllegalStateException(e);
        } catch (InvalidContentException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidContentException(source + ": unreadable JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The {@code imageLayoutVersion} of an {@code oci-layout} file, from the token stream: null when the
     * object has no such string. Invalid JSON, duplicate keys and trailing content are refused as by
     * {@link #readObject}.
     */
    public static String layoutVersion(byte[] bytes, String source) throws InvalidContentException {
        return stream(bytes, source, p -> {
            DocumentReader.startObject(p, source);
            String version = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_STRING && name.equals("imageLayoutVersion")) {
                    version = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            DocumentReader.endDocument(p, source);
            return version;
        });
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
        DocumentReader.Document r = stream(bytes, source, p -> DocumentReader.document(p, source));
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

    private static ImageIndex readIndex(DocumentReader.Document r) throws InvalidContentException {
        int schemaVersion = r.schemaVersion();
        String mediaType = r.optString("mediaType");
        String artifactType = r.optString("artifactType");
        List<Descriptor> manifests = r.descriptors("manifests");
        Descriptor subject = r.optDescriptor("subject");
        Map<String, String> annotations = r.annotations();
        return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, annotations, r.extensions());
    }

    private static ImageManifest readImageManifest(DocumentReader.Document r) throws InvalidContentException {
        int schemaVersion = r.schemaVersion();
        String mediaType = r.optString("mediaType");
        String artifactType = r.optString("artifactType");
        Descriptor config = r.optDescriptor("config");
        List<Descriptor> layers = r.descriptors("layers");
        Descriptor subject = r.optDescriptor("subject");
        Map<String, String> annotations = r.annotations();
        return new ImageManifest(schemaVersion, mediaType, artifactType, config, layers, subject, annotations,
                r.extensions());
    }

    /**
     * The withdrawn ORAS artifact manifest ({@code blobs} instead of config and layers, no schemaVersion):
     * read as an image manifest without config whose layers are its blobs, so its content stays reachable.
     */
    private static ImageManifest readOrasArtifact(DocumentReader.Document r) throws InvalidContentException {
        return new ImageManifest(2, r.optString("mediaType"), r.optString("artifactType"), null,
                r.orasBlobs(), r.optDescriptor("subject"), r.annotations(), r.extensionsWithout("blobs"));
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
        return write(pretty, indexBody(index));
    }

    /** The indented JSON of a layout's {@code index.json}, as {@link #toBytes(ImageIndex, boolean)}, streamed. */
    public static void writeIndex(ImageIndex index, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(prettyPrinter());
            indexBody(index).write(g);
            g.writeRaw('\n');
        }
    }

    private static Body indexBody(ImageIndex index) {
        return g -> {
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
        };
    }

    /** Compact JSON of one descriptor, e.g. for {@code --format json} output. */
    public static byte[] toBytes(Descriptor d) {
        return write(false, g -> writeDescriptor(g, d));
    }

    /** The shared mapper, for callers that print their own JSON reports. */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
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
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(prettyPrinter());
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

    /** Two-space indents and a space after each colon; a new one per document (it counts nesting). */
    static DefaultPrettyPrinter prettyPrinter() {
        return new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
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
}
