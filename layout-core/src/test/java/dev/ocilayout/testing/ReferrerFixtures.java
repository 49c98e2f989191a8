package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code testdata/referrers/<tool>}: one layout per tool, holding a small image tagged {@code v1},
 * two referrers of it (an SBOM and a signature) and a signature of the SBOM, recorded exactly the way
 * that tool records them (referrers-in-layouts.md gives each shape with its source). index.json is
 * written with this tool's formatting; the structure (entries, keys, values) is the other tool's.
 */
public final class ReferrerFixtures {
    /** Tools with a fixture, in the order they are built. */
    public static final List<String> TOOLS = List.of("oras", "regclient", "olareg", "pr1171", "containerd",
            "buildkit-oci-artifact", "buildkit-legacy", "cosign");

    static final String CREATED = "2026-01-01T00:00:00Z";
    static final String SBOM_TYPE = "application/spdx+json";
    static final String SIG_TYPE = "application/vnd.example.signature.v1";

    /** The digests a fixture holds, for tests to expect. */
    public record Contents(Descriptor subject, Descriptor sbom, Descriptor signature, Descriptor sbomSignature) {
    }

    private final Layout layout;
    private Descriptor empty;

    private ReferrerFixtures(Layout layout) {
        this.layout = layout;
    }

    public static Contents build(Path dir, String tool) throws IOException {
        ReferrerFixtures f = new ReferrerFixtures(Layout.create(dir));
        return switch (tool) {
            case "oras" -> f.oras();
            case "regclient" -> f.regclient();
            case "olareg" -> f.responseIndexes(ReferrerKeys.OLAREG_REFERRER_SUBJECT, true);
            case "pr1171" -> f.responseIndexes(ReferrerKeys.OCI_REFERRER_SUBJECT, false);
            case "containerd" -> f.containerd();
            case "buildkit-oci-artifact" -> f.buildkit(true);
            case "buildkit-legacy" -> f.buildkit(false);
            case "cosign" -> f.cosign();
            default -> throw new IllegalArgumentException(tool);
        };
    }

    // ---------------------------------------------------------------- the content, the same for every tool

    private Descriptor blob(String content, String mediaType) throws IOException {
        return layout.blobs().put(content.getBytes(StandardCharsets.UTF_8), mediaType);
    }

    private Descriptor image(String name) throws IOException {
        Descriptor layer = blob("layer of " + name, MediaType.OCI_LAYER);
        Descriptor config = blob("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + layer.digest() + "\"]}}", MediaType.OCI_CONFIG);
        return put(new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, List.of(layer), null, null, null));
    }

    private Descriptor artifact(Descriptor subject, String artifactType, String content, Map<String, String> annotations)
            throws IOException {
        if (empty == null) {
            empty = blob("{}", MediaType.OCI_EMPTY).withData("{}".getBytes(StandardCharsets.UTF_8));
        }
        Descriptor layer = blob(content, artifactType.equals(SBOM_TYPE) ? SBOM_TYPE : "application/octet-stream");
        Map<String, String> a = new LinkedHashMap<>();
        a.put(Annotations.CREATED, CREATED);
        a.putAll(annotations);
        Descriptor s = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        return put(new ImageManifest(2, MediaType.OCI_MANIFEST, artifactType, empty, List.of(layer), s, a, null))
                .withArtifactType(artifactType);
    }

    private Descriptor put(ImageManifest m) throws IOException {
        return layout.blobs().put(ModelJson.toBytes(m), MediaType.OCI_MANIFEST);
    }

    private Contents standard() throws IOException {
        Descriptor subject = image("app");
        Descriptor sbom = artifact(subject, SBOM_TYPE, "{\"spdxVersion\":\"SPDX-2.3\"}", Map.of("org.example.sbom.format", "json"));
        Descriptor sig = artifact(subject, SIG_TYPE, "signature of app", Map.of());
        Descriptor sbomSig = artifact(sbom, SIG_TYPE, "signature of the sbom", Map.of());
        return new Contents(subject, sbom, sig, sbomSig);
    }

    private void writeIndex(List<Descriptor> entries, Map<String, String> annotations) throws IOException {
        layout.index().update(i -> new ImageIndex(2, MediaType.OCI_INDEX, null, entries, null, annotations, null));
    }

    private static Descriptor tagged(Descriptor d, String tag, Map<String, String> more) {
        Map<String, String> a = new LinkedHashMap<>(more);
        a.put(Annotations.REF_NAME, tag);
        return plain(d).withAnnotations(a);
    }

    private static Descriptor plain(Descriptor d) {
        return Descriptor.of(d.mediaType(), d.digest(), d.size());
    }

    /** A referrers response descriptor of an artifact: artifactType and the manifest's annotations. */
    private Descriptor response(Descriptor artifact) throws IOException {
        return ReferrerIndex.responseDescriptor(artifact, layout.readManifest(artifact));
    }

    private Descriptor responseIndex(Descriptor... referrers) throws IOException {
        List<Descriptor> list = new ArrayList<>();
        for (Descriptor r : referrers) {
            list.add(response(r));
        }
        return layout.blobs().put(ModelJson.toBytes(new ImageIndex(2, MediaType.OCI_INDEX, null, list, null, null, null),
                false), MediaType.OCI_INDEX);
    }

    // ---------------------------------------------------------------- each tool's shape

    /** oras-go content/oci: every manifest an index.json entry; referrers untagged, with artifactType and annotations. */
    private Contents oras() throws IOException {
        Contents c = standard();
        List<Descriptor> entries = new ArrayList<>();
        entries.add(tagged(c.subject(), "v1", Map.of(Annotations.CREATED, CREATED)));
        for (Descriptor r : List.of(c.sbom(), c.signature(), c.sbomSignature())) {
            entries.add(plain(r).withAnnotations(layout.readManifest(r).annotations()).withArtifactType(r.artifactType()));
        }
        writeIndex(entries, null);
        return c;
    }

    /** regclient ocidir: referrers recorded only under fallback tags sha256-<hex>. */
    private Contents regclient() throws IOException {
        Contents c = standard();
        List<Descriptor> entries = new ArrayList<>();
        entries.add(tagged(c.subject(), "v1", Map.of()));
        entries.add(tagged(responseIndex(c.sbom(), c.signature()), ReferrerKeys.fallbackTag(c.subject().digest()), Map.of()));
        entries.add(tagged(responseIndex(c.sbomSignature()), ReferrerKeys.fallbackTag(c.sbom().digest()), Map.of()));
        writeIndex(entries, null);
        return c;
    }

    /** olareg (org.olareg.*) or image-spec PR #1171 (org.opencontainers.image.referrer.subject): one response per subject. */
    private Contents responseIndexes(String key, boolean olareg) throws IOException {
        Contents c = standard();
        List<Descriptor> entries = new ArrayList<>();
        Map<String, String> created = olareg ? Map.of(Annotations.CREATED, CREATED) : Map.of();
        entries.add(tagged(c.subject(), "v1", created));
        Map<String, String> a1 = new LinkedHashMap<>();
        a1.put(key, c.subject().digest().toString());
        a1.putAll(created);
        entries.add(plain(responseIndex(c.sbom(), c.signature())).withAnnotations(a1));
        Map<String, String> a2 = new LinkedHashMap<>();
        a2.put(key, c.sbom().digest().toString());
        a2.putAll(created);
        entries.add(plain(responseIndex(c.sbomSignature())).withAnnotations(a2));
        writeIndex(entries, olareg ? Map.of(ReferrerKeys.OLAREG_REFERRER_CONVERT, "true") : null);
        return c;
    }

    /** containerd archive export: referrers not in the tree appended, sorted by digest, with io.containerd.manifest.subject. */
    private Contents containerd() throws IOException {
        Contents c = standard();
        List<Descriptor> entries = new ArrayList<>();
        entries.add(tagged(c.subject(), "v1", Map.of(Annotations.CONTAINERD_IMAGE_NAME, "docker.io/library/app:v1")));
        List<Descriptor> refs = new ArrayList<>(List.of(
                plain(c.sbom()).withAnnotation(ReferrerKeys.CONTAINERD_SUBJECT, c.subject().digest().toString()),
                plain(c.signature()).withAnnotation(ReferrerKeys.CONTAINERD_SUBJECT, c.subject().digest().toString()),
                plain(c.sbomSignature()).withAnnotation(ReferrerKeys.CONTAINERD_SUBJECT, c.sbom().digest().toString())));
        refs.sort((a, b) -> a.digest().compareTo(b.digest()));
        entries.addAll(refs);
        writeIndex(entries, null);
        return c;
    }

    /**
     * BuildKit image exporter: an image index with the platform manifest and an attestation manifest
     * (platform unknown/unknown, vnd.docker.reference.* annotations). With oci-artifact the attestation
     * has artifactType, the empty config and subject = the platform manifest; the legacy form has none.
     */
    private Contents buildkit(boolean ociArtifact) throws IOException {
        Descriptor platform = image("app").withPlatform(Platform.of("linux", "amd64", null));
        Descriptor statement = blob("{\"_type\":\"https://in-toto.io/Statement/v0.1\"}", "application/vnd.in-toto+json")
                .withAnnotation("in-toto.io/predicate-type", "https://spdx.dev/Document");
        Descriptor attestation;
        if (ociArtifact) {
            Descriptor cfg = blob("{}", MediaType.OCI_EMPTY).withData("{}".getBytes(StandardCharsets.UTF_8));
            attestation = put(new ImageManifest(2, MediaType.OCI_MANIFEST, "application/vnd.docker.attestation.manifest.v1+json",
                    cfg, List.of(statement), Descriptor.of(MediaType.OCI_MANIFEST, platform.digest(), platform.size()), null, null));
        } else {
            Descriptor cfg = blob("{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[\"" + statement.digest() + "\"]}}", MediaType.OCI_CONFIG);
            attestation = put(new ImageManifest(2, MediaType.OCI_MANIFEST, null, cfg, List.of(statement), null, null, null));
        }
        Descriptor att = Descriptor.of(MediaType.OCI_MANIFEST, attestation.digest(), attestation.size())
                .withPlatform(Platform.of("unknown", "unknown", null))
                .withAnnotation(ReferrerKeys.BUILDKIT_REFERENCE_DIGEST, platform.digest().toString())
                .withAnnotation(ReferrerKeys.BUILDKIT_REFERENCE_TYPE, ReferrerKeys.BUILDKIT_ATTESTATION);
        Descriptor index = layout.blobs().put(ModelJson.toBytes(new ImageIndex(2, MediaType.OCI_INDEX, null,
                List.of(platform, att), null, null, null), false), MediaType.OCI_INDEX);
        writeIndex(List.of(tagged(index, "v1", Map.of(Annotations.CREATED, CREATED))), null);
        return new Contents(platform, att, null, null);
    }

    /**
     * cosign save: index.json lists the image only, with a kind annotation and no tag; the OCI 1.1
     * referrer (a sigstore bundle) stays in blobs/ (cosign#4695).
     */
    private Contents cosign() throws IOException {
        Descriptor subject = image("app");
        Map<String, String> annotations = new LinkedHashMap<>(); // ordered: the manifest's bytes must not vary
        annotations.put("dev.sigstore.bundle.content", "dsse-envelope");
        annotations.put("dev.sigstore.bundle.predicateType", "https://slsa.dev/provenance/v1");
        Descriptor bundle = artifact(subject, "application/vnd.dev.sigstore.bundle.v0.3+json", "{\"mediaType\":\"bundle\"}",
                annotations);
        writeIndex(List.of(plain(subject).withAnnotation("kind", "dev.cosignproject.cosign/image")), null);
        return new Contents(subject, bundle, null, null);
    }
}
