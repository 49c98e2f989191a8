package dev.ocilayout.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signatures of a layout's images in the two forms cosign reads (spec-notes/signatures.md): the legacy
 * simple-signing payload as a layer of the image tagged {@code sha256-<hex>.sig}, its signature in the layer's
 * {@code dev.cosignproject.cosign/signature} annotation; and a Sigstore bundle v0.3 (a DSSE envelope of an
 * in-toto statement, predicate {@code https://sigstore.dev/cosign/sign/v1}) as an OCI 1.1 referrer, recorded
 * by the layout's referrer convention. ECDSA P-256 with SHA-256, DER signatures.
 */
public final class Signing {
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String SIGNATURE_TYPE = "cosign container image signature";
    public static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public static final String IN_TOTO = "application/vnd.in-toto+json";
    public static final String SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
    public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";

    /** What signing wrote: the {@code .sig} tag and the bundle referrer. */
    public record Signed(String sigTag, Descriptor sigManifest, Descriptor bundleReferrer, boolean alreadySigned) {
    }

    /**
     * A signature found by {@link #verify}: its form, where it is, whether it verified, and why not; for an
     * attestation, its predicate type.
     */
    public record Found(String format, String where, boolean valid, String reason, String predicateType) {
        public Found(String format, String where, boolean valid, String reason) {
            this(format, where, valid, reason, null);
        }
    }

    private Signing() {
    }

    /**
     * The simple-signing payload, byte for byte as cosign writes it (Go struct order, compact, no optional
     * claims: {@code "optional":null}).
     */
    public static byte[] payload(String identity, Digest manifest) {
        String quoted;
        try {
            quoted = ModelJson.mapper().writeValueAsString(identity);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return ("{\"critical\":{\"identity\":{\"docker-reference\":" + quoted + "},\"image\":{"
                + "\"docker-manifest-digest\":\"" + manifest + "\"},\"type\":\"" + SIGNATURE_TYPE + "\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** DSSE's pre-authentication encoding. */
    static byte[] pae(String payloadType, byte[] body) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    static boolean check(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a signature that is not DER is one that does not verify
        }
    }

    /**
     * Signs {@code image} of the layout in both forms. The {@code .sig} tag of a repository of a layout holding
     * several is that repository's ({@code REPO:sha256-<hex>.sig}); a signature already there (the same payload
     * signed by the same key) is not added twice.
     */
    public static Signed sign(Layout layout, RepositoryScope scope, Descriptor image, String identity, PrivateKey key)
            throws IOException {
        PublicKey pub = Keys.publicOf(key);
        byte[] payload = payload(identity, image.digest());
        byte[] signature = sign(key, payload);
        Descriptor layer = layout.blobs().put(payload, SIMPLE_SIGNING)
                .withAnnotation(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signature));
        String tag = (scope == null ? RepositoryScope.UNNAMED : scope).refName(ReferrerKeys.cosignTag(image.digest(), "sig"));
        Appended sig = append(layout, tag, layer, l -> {
            String s = l.annotation(SIGNATURE_ANNOTATION);
            return l.digest().equals(layer.digest()) && s != null && check(pub, payload, decode(s));
        });
        Descriptor bundle = attachBundle(layout, image, pub, key, statement(image, null, SIGN_PREDICATE, null),
                SIGN_PREDICATE);
        return new Signed(tag, sig.manifest(), bundle, sig.already());
    }

    /** The predicate types {@code --type} names (cosign's map), or the URI given. */
    public static String predicateType(String type) {
        return switch (type) {
            case "spdx", "spdxjson" -> "https://spdx.dev/Document";
            case "cyclonedx" -> "https://cyclonedx.org/bom";
            case "custom" -> "https://cosign.sigstore.dev/attestation/v1";
            case "vuln" -> "https://cosign.sigstore.dev/attestation/vuln/v1";
            case "openvex" -> "https://openvex.dev/ns";
            default -> {
                if (!type.contains("://")) {
                    throw new IllegalArgumentException("--type " + type + " is neither spdx, cyclonedx, custom, vuln,"
                            + " openvex nor a predicate type URI");
                }
                yield type;
            }
        };
    }

    /**
     * Attests {@code predicate} (a JSON document: an SBOM, provenance) about {@code image}, in both forms: a DSSE
     * envelope of an in-toto statement as a layer of the image tagged {@code sha256-<hex>.att} (cosign's legacy
     * form: Statement v0.1 with the subject's name, the layer annotated with its {@code predicateType}), and a
     * Sigstore bundle of a Statement v1 as a referrer.
     */
    public static Signed attest(Layout layout, RepositoryScope scope, Descriptor image, String identity,
                                String predicateType, byte[] predicate, PrivateKey key) throws IOException {
        JsonNode body = ModelJson.readTree(predicate, "the predicate");
        PublicKey pub = Keys.publicOf(key);
        byte[] legacy = statement(image, identity, predicateType, body);
        ObjectNode envelope = ModelJson.mapper().createObjectNode().put("payload", Base64.getEncoder().encodeToString(legacy))
                .put("payloadType", IN_TOTO);
        envelope.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(sign(key, pae(IN_TOTO, legacy))));
        Descriptor layer = layout.blobs().put(ModelJson.mapper().writeValueAsBytes(envelope), DSSE)
                .withAnnotation("predicateType", predicateType).withAnnotation(SIGNATURE_ANNOTATION, "");
        String tag = (scope == null ? RepositoryScope.UNNAMED : scope).refName(ReferrerKeys.cosignTag(image.digest(), "att"));
        Appended att = append(layout, tag, layer, l -> l.digest().equals(layer.digest()));
        Descriptor bundle = attachBundle(layout, image, pub, key, statement(image, null, predicateType, body), predicateType);
        return new Signed(tag, att.manifest(), bundle, att.already());
    }

    /** The DSSE envelope layer of cosign's {@code .att} images. */
    public static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    static final String STATEMENT_V01 = "https://in-toto.io/Statement/v0.1";

    /**
     * An in-toto statement about the image: v1 without a subject name (what cosign v3 puts in bundles), or with
     * {@code name} the legacy v0.1 that cosign's {@code .att} layers hold.
     */
    private static byte[] statement(Descriptor image, String name, String predicateType, JsonNode predicate)
            throws IOException {
        ObjectNode s = ModelJson.mapper().createObjectNode().put("_type", name == null ? STATEMENT_V1 : STATEMENT_V01);
        ObjectNode subject = s.putArray("subject").addObject();
        if (name != null) {
            subject.put("name", name);
        }
        subject.putObject("digest").put(image.digest().algorithm(), image.digest().encoded());
        s.put("predicateType", predicateType);
        if (predicate == null) {
            s.putObject("predicate");
        } else {
            s.set("predicate", predicate);
        }
        return ModelJson.mapper().writeValueAsBytes(s);
    }

    private record Appended(Descriptor manifest, boolean already) {
    }

    /**
     * Adds {@code layer} to the image under {@code tag} (made when absent), unless a layer {@code same} accepts is
     * there already; the tag moves under the lock once the new image is stored.
     */
    private static Appended append(Layout layout, String tag, Descriptor layer,
                                   java.util.function.Predicate<Descriptor> same) throws IOException {
        List<Descriptor> layers = new ArrayList<>();
        List<Descriptor> existing = Tags.entries(layout.index().read(), tag);
        if (!existing.isEmpty()) {
            Descriptor current = existing.get(existing.size() - 1);
            if (!(layout.readManifest(current) instanceof ImageManifest im)) {
                throw new InvalidContentException("tag " + tag + " is not cosign's image of signatures; not overwriting it");
            }
            for (Descriptor l : im.layers()) {
                if (same.test(l)) {
                    return new Appended(current, true);
                }
                layers.add(l);
            }
        }
        layers.add(layer);
        Descriptor stored = storeSignatureImage(layout, layers);
        layout.index().update(index -> {
            layout.blobs().requirePresent(List.of(stored));
            return Tags.tag(index, tag, stored);
        });
        return new Appended(stored, false);
    }

    /** The signature image: an OCI manifest whose config lists each payload as a diff_id, one layer per signature. */
    private static Descriptor storeSignatureImage(Layout layout, List<Descriptor> layers) throws IOException {
        ObjectNode config = ModelJson.mapper().createObjectNode().put("architecture", "").put("os", "");
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        layers.forEach(l -> ids.add(l.digest().toString()));
        Descriptor cfg = layout.blobs().put(ModelJson.mapper().writeValueAsBytes(config), MediaType.OCI_CONFIG);
        ImageManifest m = new ImageManifest(2, MediaType.OCI_MANIFEST, null, cfg, layers, null, null, null);
        return layout.blobs().put(ModelJson.toBytes(m), MediaType.OCI_MANIFEST);
    }

    /** A Sigstore bundle of a DSSE-signed in-toto statement about the image, as cosign v3 writes it, as a referrer. */
    private static Descriptor attachBundle(Layout layout, Descriptor image, PublicKey pub, PrivateKey key, byte[] body,
                                           String predicateType) throws IOException {
        byte[] sig = sign(key, pae(IN_TOTO, body));
        ObjectNode bundle = ModelJson.mapper().createObjectNode().put("mediaType", BUNDLE);
        bundle.putObject("verificationMaterial").putObject("publicKey").put("hint", Keys.hint(pub));
        ObjectNode envelope = bundle.putObject("dsseEnvelope").put("payload", Base64.getEncoder().encodeToString(body))
                .put("payloadType", IN_TOTO);
        envelope.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(sig));
        Descriptor bundleBlob = layout.blobs().put(ModelJson.mapper().writeValueAsBytes(bundle), BUNDLE);
        Descriptor empty = layout.blobs().put("{}".getBytes(StandardCharsets.UTF_8), MediaType.OCI_EMPTY);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("org.opencontainers.image.created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        annotations.put("dev.sigstore.bundle.content", "dsse-envelope");
        annotations.put("dev.sigstore.bundle.predicateType", predicateType);
        ImageManifest referrer = new ImageManifest(2, MediaType.OCI_MANIFEST, BUNDLE, empty, List.of(bundleBlob),
                Descriptor.of(image.mediaType(), image.digest(), image.size()), annotations, null);
        byte[] bytes = ModelJson.toBytes(referrer);
        return Referrers.attachManifest(layout, image, bytes, Referrers.choose(layout, null, false));
    }

    /**
     * Every signature of {@code image} the layout holds in a form this tool reads, each checked against
     * {@code key}: the {@code .sig} tag (of the repository, or the unnamed one) and the bundle referrers.
     */
    public static List<Found> verify(Layout layout, RepositoryScope scope, Descriptor image, PublicKey key)
            throws IOException {
        return verify(new dev.ocilayout.copy.LayoutTarget(layout, null, scope), image, key, false);
    }

    /**
     * The same over any source: a layout, an archive read in place, a registry repository; the {@code .sig}
     * tag is the source's, the bundles its referrers of the image.
     */
    public static List<Found> verify(dev.ocilayout.content.ReadOnlyTarget source, Descriptor image, PublicKey key)
            throws IOException {
        return verify(source, image, key, false);
    }

    /**
     * Signatures ({@code attestations} false: the {@code .sig} tag and bundles of cosign's sign predicate) or
     * attestations (the {@code .att} tag and bundles of any other predicate) of the image, each checked.
     */
    public static List<Found> verify(dev.ocilayout.content.ReadOnlyTarget source, Descriptor image, PublicKey key,
                                     boolean attestations) throws IOException {
        return verify(source, image, key, attestations, false);
    }

    /** @param firstValid stop at the first valid one (enough to admit the image; each check is an ECDSA verify) */
    static List<Found> verify(dev.ocilayout.content.ReadOnlyTarget source, Descriptor image, PublicKey key,
                              boolean attestations, boolean firstValid) throws IOException {
        List<Found> found = new ArrayList<>();
        String tag = ReferrerKeys.cosignTag(image.digest(), attestations ? "att" : "sig");
        Descriptor tagged = null;
        try {
            tagged = source.resolve(tag);
        } catch (dev.ocilayout.error.NotFoundException | IllegalArgumentException e) {
            // no such tag
        }
        if (tagged != null && source.fetchManifest(tagged).manifest() instanceof ImageManifest im) {
            for (Descriptor l : im.layers()) {
                String where = "tag " + tag + ", layer " + l.digest();
                if (!attestations && SIMPLE_SIGNING.equals(l.mediaType())) {
                    found.add(simpleSigning(source, l, image.digest(), key, where));
                } else if (attestations && DSSE.equals(l.mediaType())) {
                    found.add(envelope("in-toto attestation (.att tag)", where,
                            ModelJson.readTree(readSmall(source, l), where), image.digest(), key, true));
                }
                if (firstValid && !found.isEmpty() && found.get(found.size() - 1).valid()) {
                    return found;
                }
            }
        }
        for (Descriptor r : source.referrers(image.digest(), null)) {
            if (r.artifactType() != null && r.artifactType().startsWith("application/vnd.dev.sigstore.bundle")) {
                String predicate = predicateOf(source, r);
                if (predicate == null || attestations != SIGN_PREDICATE.equals(predicate)) {
                    found.add(bundle(source, r, image.digest(), key, attestations));
                    if (firstValid && found.get(found.size() - 1).valid()) {
                        return found;
                    }
                }
            }
        }
        return found;
    }

    /**
     * The predicate type of a bundle referrer: as cosign annotates it, else from its statement (a bundle
     * another tool made and attached need not say); null when it cannot be read (then checked, to say why).
     */
    private static String predicateOf(dev.ocilayout.content.ReadOnlyTarget source, Descriptor referrer) throws IOException {
        if (!(source.fetchManifest(referrer).manifest() instanceof ImageManifest m)) {
            return null;
        }
        String annotated = m.annotations() == null ? null : m.annotations().get("dev.sigstore.bundle.predicateType");
        if (annotated != null || m.layers().size() != 1) {
            return annotated;
        }
        try {
            JsonNode env = ModelJson.readTree(readSmall(source, m.layers().get(0)), "bundle").path("dsseEnvelope");
            byte[] body = decode(env.path("payload").asText());
            return body == null ? null : ModelJson.readTree(body, "statement").path("predicateType").asText(null);
        } catch (InvalidContentException unreadable) {
            return null;
        }
    }

    private static Found simpleSigning(dev.ocilayout.content.ReadOnlyTarget source, Descriptor layer, Digest image,
                                       PublicKey key, String where) throws IOException {
        String format = "simple-signing (.sig tag)";
        String sig = layer.annotation(SIGNATURE_ANNOTATION);
        if (sig == null || sig.isEmpty()) {
            return new Found(format, where, false, "the layer has no " + SIGNATURE_ANNOTATION + " annotation");
        }
        byte[] payload = readSmall(source, layer);
        byte[] raw = decode(sig);
        if (raw == null || !check(key, payload, raw)) {
            return new Found(format, where, false, "the signature does not verify with this key over the payload");
        }
        JsonNode p = ModelJson.readTree(payload, where);
        if (!SIGNATURE_TYPE.equals(p.path("critical").path("type").asText())) {
            return new Found(format, where, false, "the payload's critical.type is not " + SIGNATURE_TYPE);
        }
        String signed = p.path("critical").path("image").path("docker-manifest-digest").asText();
        if (!image.toString().equals(signed)) {
            return new Found(format, where, false, "the payload signs " + signed + ", not " + image);
        }
        return new Found(format, where, true, null);
    }

    private static Found bundle(dev.ocilayout.content.ReadOnlyTarget source, Descriptor referrer, Digest image,
                                PublicKey key, boolean attestation) throws IOException {
        String format = attestation ? "in-toto attestation (sigstore bundle referrer)" : "sigstore bundle (referrer)";
        String where = "referrer " + referrer.digest();
        Manifest m = source.fetchManifest(referrer).manifest();
        if (!(m instanceof ImageManifest im) || im.layers().size() != 1
                || !im.layers().get(0).mediaType().startsWith("application/vnd.dev.sigstore.bundle")) {
            return new Found(format, where, false, "not one bundle layer");
        }
        JsonNode b = ModelJson.readTree(readSmall(source, im.layers().get(0)), where);
        JsonNode env = b.path("dsseEnvelope");
        if (env.isMissingNode()) {
            return new Found(format, where, false, "a message-signature bundle: only DSSE bundles are verified here");
        }
        return envelope(format, where, env, image, key, attestation);
    }

    /**
     * A DSSE envelope: its one signature over the PAE (first, as DSSE asks), then its payload type, then the
     * statement: a subject of the image's digest, and the predicate the kind asks for.
     */
    private static Found envelope(String format, String where, JsonNode env, Digest image, PublicKey key,
                                  boolean attestation) throws IOException {
        byte[] body = decode(env.path("payload").asText());
        JsonNode sigs = env.path("signatures");
        if (body == null || sigs.size() != 1) {
            return new Found(format, where, false, "the envelope needs a payload and exactly one signature");
        }
        String type = env.path("payloadType").asText();
        byte[] sig = decode(sigs.get(0).path("sig").asText());
        if (sig == null || !check(key, pae(type, body), sig)) {
            return new Found(format, where, false, "the DSSE signature does not verify with this key");
        }
        if (!IN_TOTO.equals(type)) {
            return new Found(format, where, false, "payloadType " + type + " is not " + IN_TOTO);
        }
        JsonNode statement = ModelJson.readTree(body, where + " statement");
        String predicate = statement.path("predicateType").asText(null);
        if (!attestation && !SIGN_PREDICATE.equals(predicate)) {
            return new Found(format, where, false, "predicateType " + predicate + " is not " + SIGN_PREDICATE, predicate);
        }
        for (JsonNode subject : statement.path("subject")) {
            if (image.encoded().equals(subject.path("digest").path(image.algorithm()).asText())) {
                return new Found(format, where, true, null, attestation ? predicate : null);
            }
        }
        return new Found(format, where, false, "no subject of the statement is " + image, attestation ? predicate : null);
    }

    /** A signature's blob, verified as it is read; never more than a manifest's cap. */
    private static byte[] readSmall(dev.ocilayout.content.ReadOnlyTarget source, Descriptor blob) throws IOException {
        if (blob.size() > ModelJson.MAX_MANIFEST_BYTES) {
            throw new InvalidContentException("blob " + blob.digest() + " is " + blob.size() + " bytes, too large for a signature");
        }
        try (var in = source.fetch(blob)) {
            return in.readNBytes(ModelJson.MAX_MANIFEST_BYTES + 1);
        }
    }

    /** One image of a layout and what {@link #verifyAll} found for it. */
    public record ImageResult(String name, Descriptor image, List<Found> found) {
        public boolean valid() {
            return found.stream().anyMatch(Found::valid);
        }
    }

    /**
     * Every tagged image of the layout (cosign's own tags and fallback tags aside), each with its signatures
     * (or attestations) checked against {@code key} until one is valid; one lookup of the layout's referrers
     * serves them all, and the images are checked on every core.
     */
    public static List<ImageResult> verifyAll(Layout layout, PublicKey key, boolean attestations) throws IOException {
        dev.ocilayout.copy.LayoutTarget whole = new dev.ocilayout.copy.LayoutTarget(layout);
        List<Descriptor> images = new ArrayList<>();
        for (Descriptor d : layout.index().read().manifests()) {
            if (needsSignature(d.refName(), d)) {
                images.add(d);
            }
        }
        whole.referrers(images.isEmpty() ? null : images.get(0).digest(), null); // one lookup, built before the threads
        // ECDSA verification is the cost (the JDK's P-256 has no intrinsics): on every core
        return dev.ocilayout.io.Parallel.map(images, Runtime.getRuntime().availableProcessors(), d -> {
            RepositoryScope scope = RepositoryScope.ofRefName(d.refName());
            dev.ocilayout.content.ReadOnlyTarget source = scope.isUnnamed() ? whole
                    : new dev.ocilayout.copy.LayoutTarget(layout, null, scope);
            return new ImageResult(d.refName(), d, verify(source, d, key, attestations, true));
        });
    }

    /**
     * Whether the admission rule asks the image {@code name} (a tag, or a ref.name) names for a signature: every
     * one but cosign's own tags and fallback tags (an index under {@code sha256-<hex>}), which are bookkeeping.
     */
    public static boolean needsSignature(String name, Descriptor target) {
        return name != null && !isCosignTag(name)
                && !ReferrerIndex.isFallbackEntry(target.withAnnotation(dev.ocilayout.model.Annotations.REF_NAME, name));
    }

    /** Whether a ref.name is one of cosign's tags of a digest ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}). */
    public static boolean isCosignTag(String refName) {
        return refName != null && dev.ocilayout.model.RefName.tagOf(refName).matches("[a-z0-9]+-[0-9a-f]{32,}\\.(sig|att|sbom)");
    }

    /**
     * The admission rule over a whole index (an archive's, say): every tagged image, but cosign's own tags and
     * referrer bookkeeping, must have a valid signature by one of {@code keys}.
     */
    public static void requireSigned(dev.ocilayout.content.ReadOnlyTarget source, dev.ocilayout.model.ImageIndex index,
                                     List<PublicKey> keys) throws IOException {
        for (Descriptor d : index.manifests()) {
            if (needsSignature(d.refName(), d)) {
                requireSigned(source, d, d.refName(), keys);
            }
        }
    }

    /**
     * The admission rule: {@code image} of {@code source} has a valid signature by one of {@code keys} (any of
     * them), else the refusal, naming the image and what was found.
     */
    public static void requireSigned(dev.ocilayout.content.ReadOnlyTarget source, Descriptor image, String name,
                                     List<PublicKey> keys) throws IOException {
        List<Found> all = new ArrayList<>();
        for (PublicKey k : keys) {
            List<Found> found = verify(source, image, k, false, true);
            if (found.stream().anyMatch(Found::valid)) {
                return;
            }
            all.addAll(found);
        }
        throw new dev.ocilayout.error.IntegrityException(name + " (" + image.digest() + ") has no valid signature by "
                + (keys.size() == 1 ? "the key" : "any of the " + keys.size() + " keys") + " given"
                + (all.isEmpty() ? " (none found)" : " (" + all.get(0).format() + ": " + all.get(0).reason() + ")")
                + "; nothing was tagged");
    }

    /** Standard or URL-safe base64 (DSSE verifiers MUST accept either), or null. */
    static byte[] decode(String text) {
        try {
            return text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
