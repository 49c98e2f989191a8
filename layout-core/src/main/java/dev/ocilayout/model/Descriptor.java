package dev.ocilayout.model;

import dev.ocilayout.digest.Digest;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor. Fields this library does not know are kept in {@code extensions} (field name
 * to raw JSON text, in document order) so that rewriting {@code index.json} never drops what another tool
 * wrote. Annotations keep their order too.
 *
 * @param mediaType    required; any string is legal
 * @param digest       required
 * @param size         required, not negative
 * @param urls         foreign locations (never fetched implicitly); empty when absent
 * @param annotations  empty when absent
 * @param data         base64 of embedded content as written, or null
 * @param platform     or null
 * @param artifactType or null
 * @param extensions   unknown fields as raw JSON, empty when none
 */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        String data,
        Platform platform,
        String artifactType,
        Map<String, String> extensions) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("descriptor " + digest + ": size must not be negative");
        }
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = ordered(annotations);
        extensions = ordered(extensions);
    }

    /** A plain descriptor with no optional fields. */
    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null, null);
    }

    /** The {@code org.opencontainers.image.ref.name} annotation, or null when untagged. */
    public String refName() {
        return annotations.get(Annotations.REF_NAME);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    /** The embedded {@code data}, decoded, or null when there is none. */
    public byte[] decodedData() {
        if (data == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("descriptor " + digest + ": data is not valid base64", e);
        }
    }

    public Descriptor withAnnotation(String key, String value) {
        Map<String, String> a = new LinkedHashMap<>(annotations);
        a.put(key, value);
        return withAnnotations(a);
    }

    public Descriptor withoutAnnotation(String key) {
        if (!annotations.containsKey(key)) {
            return this;
        }
        Map<String, String> a = new LinkedHashMap<>(annotations);
        a.remove(key);
        return withAnnotations(a);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, urls, a, data, platform, artifactType, extensions);
    }

    public Descriptor withArtifactType(String type) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, type, extensions);
    }

    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, p, artifactType, extensions);
    }

    public Descriptor withData(byte[] bytes) {
        return new Descriptor(mediaType, digest, size, urls, annotations,
                bytes == null ? null : Base64.getEncoder().encodeToString(bytes), platform, artifactType, extensions);
    }

    /** Same mediaType, digest and size: the three fields that identify content. */
    public boolean sameContent(Descriptor o) {
        return o != null && digest.equals(o.digest) && size == o.size && mediaType.equals(o.mediaType);
    }

    /** The class of {@code Map.of(k, v)}: immutable, and ordered since it has one entry. */
    private static final Class<?> SINGLE_ENTRY = Map.of("", "").getClass();

    /**
     * An unmodifiable copy in the map's order. A map of one entry (a tag's ref.name: most of a large
     * index.json) is held as {@code Map.of}, a fifth of the size of a wrapped LinkedHashMap, and kept as it is
     * when it already is one.
     */
    static <V> Map<String, V> ordered(Map<String, V> m) {
        if (m == null || m.isEmpty()) {
            return Map.of();
        }
        if (m.getClass() == SINGLE_ENTRY) {
            return m;
        }
        if (m.size() == 1) {
            Map.Entry<String, V> e = m.entrySet().iterator().next();
            return Map.of(Objects.requireNonNull(e.getKey()), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        Map<String, V> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
        return Collections.unmodifiableMap(copy);
    }
}
