package dev.ocilayout.lint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RefName;
import dev.ocilayout.text.Text;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The image-spec's rules for one manifest or index, read from its JSON as it is (lint must report what a
 * strict parser would refuse). Sources: image-spec manifest.md, image-index.md, descriptor.md,
 * annotations.md, config.md and the artifact guidance of manifest.md; see spec-notes/lint.md.
 */
final class SpecChecks {
    /** RFC 6838 media type, as the image-spec's JSON schema spells it. */
    static final Pattern MEDIA_TYPE = Pattern.compile(
            "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
    private static final Pattern RFC_3339 = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$");
    /** GOOS and GOARCH values, as the image-spec's platform fields use them. */
    private static final Set<String> OS = Set.of("aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios",
            "js", "linux", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos");
    private static final Set<String> ARCH = Set.of("386", "amd64", "arm", "arm64", "loong64", "mips", "mips64",
            "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x", "wasm", "sparc64");
    static final String EMPTY_DESCRIPTOR = "{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\""
            + Digest.EMPTY_JSON + "\",\"size\":2}";

    private final Document doc;
    private final List<LintFinding> findings = new ArrayList<>();

    private SpecChecks(Document doc) {
        this.doc = doc;
    }

    /** Every spec finding of {@code doc}, whose size is {@code size} bytes. */
    static List<LintFinding> check(Document doc, long size) {
        SpecChecks c = new SpecChecks(doc);
        c.run(size);
        return c.findings;
    }

    private void add(String code, Severity severity, String path, String message, String fix) {
        findings.add(new LintFinding(code, severity, null, doc.descriptor().digest(), path, message, fix));
    }

    private void run(long size) {
        if (size > Facts.FOUR_MIB) {
            add("OCI-MANIFEST-TOO-LARGE", Severity.WARNING, "$", "the document is " + size + " bytes; registries need "
                    + "only accept 4 MiB (distribution-spec)", "split it, e.g. move annotations or entries elsewhere");
        }
        JsonNode json = doc.json();
        if (json == null) {
            return;
        }
        if (!json.path("schemaVersion").isIntegralNumber() || json.path("schemaVersion").asInt() != 2) {
            add("OCI-SCHEMA-VERSION", Severity.ERROR, "$.schemaVersion", "schemaVersion must be 2, is "
                    + (json.has("schemaVersion") ? json.get("schemaVersion").toString() : "missing"), "set \"schemaVersion\": 2");
        }
        mediaTypes(json);
        annotations(json.get("annotations"), "$.annotations");
        switch (doc.kind()) {
            case IMAGE -> image(json);
            case INDEX -> index(json);
            default -> { }
        }
        if (json.has("subject")) {
            descriptor(json.get("subject"), "$.subject");
        }
    }

    private void mediaTypes(JsonNode json) {
        JsonNode mt = json.get("mediaType");
        String declared = doc.descriptor().mediaType();
        if (mt == null) {
            add("OCI-MEDIATYPE-MISSING", Severity.WARNING, "$.mediaType", "the document has no mediaType; registries and"
                    + " clients then guess what it is", "add \"mediaType\": \"" + declared + "\"");
        } else if (!mt.isTextual() || !MEDIA_TYPE.matcher(mt.asText()).matches()) {
            add("OCI-MEDIATYPE-INVALID", Severity.ERROR, "$.mediaType", "mediaType " + mt + " is not a media type",
                    "use a registered media type such as " + MediaType.OCI_MANIFEST);
        } else if (declared != null && !declared.equals(mt.textValue())) {
            add("OCI-MEDIATYPE-MISMATCH", Severity.ERROR, "$.mediaType", "the document says " + Text.quote(mt.textValue())
                    + " but its descriptor says " + declared, "make the descriptor's mediaType match the document's");
        }
        boolean image = MediaType.isImageManifest(doc.mediaType());
        boolean index = MediaType.isIndex(doc.mediaType());
        if (image && json.has("manifests") || index && (json.has("config") || json.has("layers"))
                || doc.mediaType() == null && json.has("manifests") && (json.has("config") || json.has("layers"))) {
            add("OCI-MEDIATYPE-AMBIGUOUS", Severity.ERROR, "$", "the document has fields of both a manifest and an "
                    + "index (CVE-2021-41190): clients may read it either way", "remove the fields of the other kind");
        }
    }

    private void image(JsonNode json) {
        JsonNode config = json.get("config");
        String artifactType = json.path("artifactType").isTextual() ? json.get("artifactType").textValue() : null;
        if (json.has("artifactType") && (artifactType == null || !MEDIA_TYPE.matcher(artifactType).matches())) {
            add("OCI-ARTIFACT-TYPE-INVALID", Severity.ERROR, "$.artifactType", "artifactType " + json.get("artifactType")
                    + " is not a media type", "use a media type such as application/vnd.example.sbom.v1+json");
        }
        if (config == null || config.isNull()) {
            add("OCI-ARTIFACT-NO-CONFIG", Severity.ERROR, "$.config", "config is required; an artifact without a "
                    + "config should use the empty descriptor, not omit it", "set \"config\": " + EMPTY_DESCRIPTOR
                    + " and put the type in artifactType");
        } else {
            descriptor(config, "$.config");
            String configType = config.path("mediaType").asText("");
            if (configType.equals(MediaType.OCI_EMPTY) && artifactType == null) {
                add("OCI-ARTIFACT-TYPE-REQUIRED", Severity.ERROR, "$.artifactType", "artifactType is required when the "
                        + "config is the empty descriptor", "set \"artifactType\" to the artifact's media type");
            } else if (!configType.isEmpty() && !configType.equals(MediaType.OCI_CONFIG)
                    && !configType.equals(MediaType.DOCKER_CONFIG) && !configType.equals(MediaType.OCI_EMPTY)
                    && artifactType == null) {
                add("OCI-ARTIFACT-CONFIG-TYPE", Severity.INFO, "$.config.mediaType", "an artifact typed by its config ("
                        + Text.quote(configType) + "), the pre-1.1 way", "set artifactType to " + Text.quote(configType)
                        + " and use the empty descriptor as config");
            }
        }
        JsonNode layers = json.get("layers");
        if (layers == null || layers.isNull()) {
            add("OCI-LAYERS-MISSING", Severity.ERROR, "$.layers", "layers is required (it may not be left out)",
                    "add \"layers\": [" + EMPTY_DESCRIPTOR + "] for an artifact with no blobs");
            return;
        }
        if (!layers.isArray()) {
            add("OCI-LAYERS-MISSING", Severity.ERROR, "$.layers", "layers must be an array", "make layers an array of descriptors");
            return;
        }
        if (layers.isEmpty()) {
            add("OCI-LAYERS-EMPTY", Severity.WARNING, "$.layers", "no layers: for portability there should be at least one",
                    "for an artifact with no blobs, use [" + EMPTY_DESCRIPTOR + "]");
        }
        for (int i = 0; i < layers.size(); i++) {
            String at = "$.layers[" + i + "]";
            descriptor(layers.get(i), at);
            if (layers.get(i).has("urls")) {
                add("OCI-LAYER-URLS", Severity.WARNING, at + ".urls", "a layer to be fetched from its urls: copies to "
                        + "air-gapped registries and many tools leave it behind", "ship the layer as a normal blob");
            }
        }
    }

    private void index(JsonNode json) {
        JsonNode manifests = json.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            add("OCI-INDEX-MANIFESTS-MISSING", Severity.ERROR, "$.manifests", "manifests is required and must be an array",
                    "add \"manifests\": []");
            return;
        }
        boolean docker = false;
        boolean oci = false;
        boolean dockerList = MediaType.DOCKER_MANIFEST_LIST.equals(doc.mediaType());
        for (int i = 0; i < manifests.size(); i++) {
            JsonNode child = manifests.get(i);
            String at = "$.manifests[" + i + "]";
            descriptor(child, at);
            String mt = child.path("mediaType").asText("");
            if (isManifest(mt)) {
                docker |= MediaType.isDocker(mt);
                oci |= !MediaType.isDocker(mt);
            } else if (!mt.isEmpty()) {
                add("OCI-INDEX-NON-MANIFEST-CHILD", Severity.WARNING, at + ".mediaType", "a child of type " + Text.quote(mt)
                        + " is not a manifest" + (dockerList ? " (Docker's manifest list allows only manifests)" : "")
                        + "; most registries refuse such a list (BuildKit's registry cache)",
                        "list blobs in an image manifest's layers, e.g. BuildKit's --cache-to image-manifest=true");
            }
            if (child.has("platform")) {
                platform(child.get("platform"), at + ".platform");
            }
        }
        if (docker && oci) {
            add("OCI-INDEX-MIXED-MEDIA-TYPES", Severity.INFO, "$.manifests", "Docker and OCI manifests in one "
                    + (dockerList ? "list" : "index") + ": allowed, but some registries (Quay) refuse it",
                    "convert the Docker manifests to OCI (or the other way)");
        }
    }

    static boolean isManifest(String mediaType) {
        return MediaType.isManifestOrIndex(mediaType) || MediaType.ORAS_ARTIFACT_MANIFEST.equals(mediaType)
                || MediaType.DOCKER_MANIFEST_V1.equals(mediaType) || MediaType.DOCKER_MANIFEST_V1_SIGNED.equals(mediaType);
    }

    private void descriptor(JsonNode d, String at) {
        if (d == null || !d.isObject()) {
            add("OCI-DESCRIPTOR-FIELD", Severity.ERROR, at, "a descriptor must be an object", "write a descriptor "
                    + "with mediaType, digest and size");
            return;
        }
        JsonNode mt = d.get("mediaType");
        if (mt == null || !mt.isTextual()) {
            add("OCI-DESCRIPTOR-FIELD", Severity.ERROR, at + ".mediaType", "mediaType is required", "add the content's media type");
        } else if (!MEDIA_TYPE.matcher(mt.textValue()).matches()) {
            add("OCI-MEDIATYPE-INVALID", Severity.ERROR, at + ".mediaType", "mediaType " + mt + " is not a media type",
                    "use the content's registered media type");
        }
        JsonNode digest = d.get("digest");
        Digest parsed = digest != null && digest.isTextual() ? Digest.tryParse(digest.textValue()) : null;
        if (digest == null || !digest.isTextual()) {
            add("OCI-DESCRIPTOR-FIELD", Severity.ERROR, at + ".digest", "digest is required", "add the content's digest");
        } else if (parsed == null) {
            add("OCI-DIGEST-INVALID", Severity.ERROR, at + ".digest", "digest " + digest + " does not follow the digest "
                    + "grammar (algorithm:encoded, sha256 with 64 lowercase hex)", "use the sha256 digest of the content");
        } else if (parsed.knownAlgorithm().isEmpty()) {
            add("OCI-DIGEST-ALGORITHM", Severity.WARNING, at + ".digest", "digest algorithm " + Text.quote(parsed.algorithm())
                    + " is not sha256 or sha512: registries and tools cannot verify it", "use sha256");
        }
        JsonNode size = d.get("size");
        if (size == null || !size.isIntegralNumber()) {
            add("OCI-DESCRIPTOR-FIELD", Severity.ERROR, at + ".size", "size is required and must be an integer",
                    "add the content's size in bytes");
        } else if (size.asLong() < 0) {
            add("OCI-SIZE-NEGATIVE", Severity.ERROR, at + ".size", "size " + size + " is negative", "use the content's size in bytes");
        }
        if (d.has("urls")) {
            urls(d.get("urls"), at + ".urls");
        }
        JsonNode data = d.get("data");
        if (data != null && parsed != null && size != null && size.isIntegralNumber()) {
            data(data, parsed, size.asLong(), at + ".data");
        }
        if (d.has("artifactType") && !(d.get("artifactType").isTextual()
                && MEDIA_TYPE.matcher(d.get("artifactType").textValue()).matches())) {
            add("OCI-ARTIFACT-TYPE-INVALID", Severity.ERROR, at + ".artifactType", "artifactType " + d.get("artifactType")
                    + " is not a media type", "use the artifact's media type");
        }
        annotations(d.get("annotations"), at + ".annotations");
    }

    private void data(JsonNode data, Digest digest, long size, String at) {
        byte[] bytes = decode(data);
        if (bytes == null) {
            add("OCI-DATA-INVALID", Severity.ERROR, at, "data is not padded base64 (RFC 4648)",
                    "remove data, or encode the content in base64 with its = padding");
            return;
        }
        boolean matches = bytes.length == size && digest.knownAlgorithm()
                .map(a -> Digest.of(a, a.newMessageDigest().digest(bytes)).equals(digest)).orElse(true);
        if (!matches) {
            add("OCI-DATA-MISMATCH", Severity.ERROR, at, "data does not match the descriptor's digest and size",
                    "remove data, or embed exactly the content the digest names");
        }
    }

    /**
     * descriptor.md: data is "base64 characters as defined in RFC 4648", whose base64 is padded to a multiple of
     * four characters (Java's decoder would also take it unpadded, which Go's StdEncoding refuses).
     */
    private static byte[] decode(JsonNode data) {
        if (!data.isTextual() || data.textValue().length() % 4 != 0 || !BASE64.matcher(data.textValue()).matches()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(data.textValue());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** descriptor.md: each of urls "MUST conform to RFC 3986", and is a location to fetch from: absolute. */
    private void urls(JsonNode urls, String at) {
        if (!urls.isArray()) {
            add("OCI-URLS-INVALID", Severity.ERROR, at, "urls must be an array of URIs", "make urls an array of strings");
            return;
        }
        for (int i = 0; i < urls.size(); i++) {
            JsonNode u = urls.get(i);
            boolean absolute;
            try {
                absolute = u.isTextual() && new java.net.URI(u.textValue()).isAbsolute();
            } catch (java.net.URISyntaxException e) {
                absolute = false;
            }
            if (!absolute) {
                add("OCI-URLS-INVALID", Severity.ERROR, at + "[" + i + "]", "urls entry " + u + " is not an absolute URI"
                        + " (RFC 3986)", "write a full URL, e.g. https://example.com/layer.tar.gz");
            }
        }
    }

    private void annotations(JsonNode annotations, String at) {
        if (annotations == null) {
            return;
        }
        if (!annotations.isObject()) {
            add("OCI-ANNOTATION-TYPE", Severity.ERROR, at, "annotations must be a map of strings", "make annotations an object");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = at + "[" + Text.quote(e.getKey()) + "]";
            if (!e.getValue().isTextual()) {
                add("OCI-ANNOTATION-TYPE", Severity.ERROR, path, "annotation values must be strings, this is "
                        + e.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT), "quote the value");
            } else if (e.getKey().equals(Annotations.CREATED) && !isRfc3339(e.getValue().textValue())) {
                add("OCI-CREATED-FORMAT", Severity.WARNING, path, "created " + Text.quote(e.getValue().textValue())
                        + " is not an RFC 3339 date-time", "write e.g. 2024-01-31T12:00:00Z");
            } else if (e.getKey().equals(Annotations.REF_NAME) && !RefName.isValid(e.getValue().textValue())) {
                add("OCI-REF-NAME", Severity.WARNING, path, "ref.name " + Text.quote(e.getValue().textValue())
                        + " does not follow the image-layout ref grammar", "use letters, digits and . _ - : @ + / separators");
            }
        }
    }

    private void platform(JsonNode p, String at) {
        String os = p.path("os").asText("");
        String arch = p.path("architecture").asText("");
        if (os.isEmpty() || arch.isEmpty()) {
            add("OCI-PLATFORM-FIELD", Severity.ERROR, at, "a platform needs os and architecture", "add the missing field");
            return;
        }
        boolean attestation = os.equals("unknown") && arch.equals("unknown"); // BuildKit's attestation manifests
        if (!attestation && (!OS.contains(os) || !ARCH.contains(arch))) {
            add("OCI-PLATFORM-UNKNOWN", Severity.WARNING, at, Text.quote(os + "/" + arch) + " is not a GOOS/GOARCH pair runtimes "
                    + "know", "use Go's names, e.g. linux/amd64, linux/arm64");
        }
    }

    static boolean isRfc3339(String s) {
        if (!RFC_3339.matcher(s).matches()) {
            return false;
        }
        try {
            OffsetDateTime.parse(s.replace(' ', 'T').replace('t', 'T').replace('z', 'Z'));
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}
