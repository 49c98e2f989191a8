package dev.ocilayout.referrers;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Annotations;
import java.util.regex.Pattern;

/**
 * The keys and names each tool uses to record referrers in a layout (referrers-in-layouts.md §0), and
 * the distribution-spec's referrers tag schema.
 */
public final class ReferrerKeys {
    /** image-spec PR #1171 (open): an index.json entry that is the referrers response of this subject. */
    public static final String OCI_REFERRER_SUBJECT = "org.opencontainers.image.referrer.subject";
    /** olareg (v0.1.0 on): the same, under olareg's own namespace. */
    public static final String OLAREG_REFERRER_SUBJECT = "org.olareg.referrer.subject";
    /** olareg: set to "true" on index.json once fallback tags were converted. */
    public static final String OLAREG_REFERRER_CONVERT = "org.olareg.referrer.convert";
    /** containerd (v2.2 export): an index.json entry that is a referrer of this subject. */
    public static final String CONTAINERD_SUBJECT = Annotations.CONTAINERD_SUBJECT;
    /** BuildKit: "attestation-manifest" on an attestation inside an image index. */
    public static final String BUILDKIT_REFERENCE_TYPE = "vnd.docker.reference.type";
    /** BuildKit: the platform manifest an attestation describes. */
    public static final String BUILDKIT_REFERENCE_DIGEST = "vnd.docker.reference.digest";
    public static final String BUILDKIT_ATTESTATION = "attestation-manifest";

    /** What a fallback tag can look like: a truncated algorithm, '-', a truncated encoded part. */
    private static final Pattern FALLBACK = Pattern.compile("[a-z0-9+._-]{1,32}-[a-zA-Z0-9_-]{1,64}");
    private static final Pattern NOT_TAG_CHAR = Pattern.compile("[^a-zA-Z0-9._-]");

    private ReferrerKeys() {
    }

    /**
     * The referrers tag of a subject (distribution-spec, "Referrers Tag Schema", current text): the
     * algorithm truncated to 32 characters, '-', the encoded part truncated to 64, with characters not
     * allowed in tags replaced by '-'. sha256 gives {@code sha256-<64 hex>}; sha512 keeps 64 of its 128.
     */
    public static String fallbackTag(Digest subject) {
        String algorithm = NOT_TAG_CHAR.matcher(subject.algorithm()).replaceAll("-");
        String encoded = NOT_TAG_CHAR.matcher(subject.encoded()).replaceAll("-");
        return truncate(algorithm, 32) + "-" + truncate(encoded, 64);
    }

    /** True when a tag has the shape of a referrers tag (the content must still be checked). */
    public static boolean looksLikeFallbackTag(String tag) {
        return tag != null && FALLBACK.matcher(tag).matches() && tag.indexOf('-') > 0;
    }

    /**
     * The subject a fallback tag names, when the tag holds the whole digest (any sha256 subject); null when
     * it was truncated or is not a digest.
     */
    public static Digest subjectOfFallbackTag(String tag) {
        int dash = tag.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        Digest d = Digest.tryParse(tag.substring(0, dash) + ":" + tag.substring(dash + 1));
        return d != null && fallbackTag(d).equals(tag) ? d : null;
    }

    private static final Pattern COSIGN_TAG = Pattern.compile("(sha256|sha512)-([0-9a-f]{64}|[0-9a-f]{128})\\.(sig|att|sbom)");

    /** The subject of one of cosign's tags ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}), or null. */
    public static Digest subjectOfCosignTag(String tag) {
        java.util.regex.Matcher m = COSIGN_TAG.matcher(tag);
        return m.matches() ? Digest.tryParse(m.group(1) + ":" + m.group(2)) : null;
    }

    /** The artifact type cosign gives what a tag of that suffix holds when it is a referrer ({@code ArtifactType}). */
    public static String cosignArtifactType(String tag) {
        return "application/vnd.dev.cosign.artifact." + tag.substring(tag.lastIndexOf('.') + 1) + ".v1+json";
    }

    /** The tag suffix ({@code sig}, {@code att}, {@code sbom}) an artifact type of cosign's stands for, or null. */
    public static String cosignSuffixOf(String artifactType) {
        if (artifactType == null) {
            return null;
        }
        java.util.regex.Matcher m = COSIGN_ARTIFACT_TYPE.matcher(artifactType);
        return m.matches() ? m.group(1) : null;
    }

    private static final Pattern COSIGN_ARTIFACT_TYPE = Pattern.compile("application/vnd\\.dev\\.cosign\\.artifact\\.(sig|att|sbom)\\.v1\\+json");

    /** cosign's tag of {@code subject} for a suffix: {@code sha256-<hex>.sig}. */
    public static String cosignTag(Digest subject, String suffix) {
        return subject.algorithm() + "-" + subject.encoded() + "." + suffix;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
