package dev.ocilayout.digest;

import dev.ocilayout.text.Text;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm ":" encoded}, validated against the image-spec grammar
 * (descriptor.md) when it is made. Registered algorithms get their exact form (sha256: 64 lowercase hex,
 * sha512: 128, blake3: 64); other algorithms that fit the grammar can be held and compared but not verified.
 *
 * <p>Because the grammar admits neither {@code /} nor a leading or repeated {@code .}, a {@code Digest}
 * can always be turned into the two path components {@code blobs/<algorithm>/<encoded>} safely. Parse
 * digests once, at the boundary, and pass this type around (the lesson of CVE-2024-3727).
 */
public record Digest(String algorithm, String encoded) implements Comparable<Digest> {
    /** Longest digest string accepted; guards against megabyte-long "digests". */
    public static final int MAX_LENGTH = 1024;

    private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
    private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");
    private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");
    /** Registered algorithms and the length of their hex encoding (image-spec descriptor.md). */
    private static final Map<String, Integer> REGISTERED = Map.of("sha256", 64, "sha512", 128, "blake3", 64);

    /** Lowercase hex digits, by character code (before the constants below, which are checked with it). */
    private static final boolean[] LOWER_HEX_DIGIT = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            LOWER_HEX_DIGIT[c] = true;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            LOWER_HEX_DIGIT[c] = true;
        }
    }

    /** Digest of zero bytes. */
    public static final Digest EMPTY_BLOB =
            new Digest("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /** Digest of the two bytes {@code {}}, the image-spec empty descriptor. */
    public static final Digest EMPTY_JSON =
            new Digest("sha256", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

    public Digest {
        String problem = problem(algorithm, encoded);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "invalid digest " + Text.quote(algorithm + ":" + encoded) + ": " + problem);
        }
    }

    /** Parses {@code algorithm:encoded}, rejecting anything outside the grammar with a precise message. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid digest: missing");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "invalid digest " + Text.quote(text) + ": longer than " + MAX_LENGTH + " characters");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "invalid digest " + Text.quote(text) + ": expected <algorithm>:<encoded>, e.g. sha256:<64 hex>");
        }
        return new Digest(algorithm(text, colon), text.substring(colon + 1));
    }

    /**
     * Parses {@code chars[offset, offset + length)} as {@link #parse} does; a sha256 digest without first
     * making the whole string (a parser's buffer holds 100,000 of them in a large index.json).
     */
    public static Digest parse(char[] chars, int offset, int length) {
        if (length == 71 && chars[offset] == 's' && chars[offset + 1] == 'h' && chars[offset + 2] == 'a'
                && chars[offset + 3] == '2' && chars[offset + 4] == '5' && chars[offset + 5] == '6'
                && chars[offset + 6] == ':') {
            try {
                return new Digest("sha256", new String(chars, offset + 7, 64)); // the constructor checks the hex
            } catch (IllegalArgumentException e) {
                // refused below, with the message parse gives for the whole text
            }
        }
        return parse(new String(chars, offset, length));
    }

    /** The algorithm part; sha256's as the one shared string (a large index.json holds 100,000 digests). */
    private static String algorithm(String text, int colon) {
        return colon == 6 && text.startsWith("sha256") ? "sha256" : text.substring(0, colon);
    }

    /** Parses {@code text}, or returns null when it is not a valid digest. */
    public static Digest tryParse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return null;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new Digest(algorithm(text, colon), text.substring(colon + 1)); // validates once
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Checked over the string's Latin-1 bytes: gc and fsck check a digest for every blob name, and
     * {@code charAt} per character was a tenth of a gc run's time with the C1 compiler alone.
     */
    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= LOWER_HEX_DIGIT.length || !LOWER_HEX_DIGIT[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The digest a reference names when it is one of an algorithm this tool computes, else null: a reference
     * is a tag or a digest, and {@code v1:x}, which fits the digest grammar, is a tag.
     */
    public static Digest ofReference(String reference) {
        Digest d = reference == null || reference.indexOf(':') < 0 ? null : tryParse(reference);
        return d != null && d.knownAlgorithm().isPresent() ? d : null;
    }

    /** True when {@code text} parses as a digest. */
    public static boolean isValid(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return false;
        }
        int colon = text.indexOf(':');
        return colon >= 0 && problem(text.substring(0, colon), text.substring(colon + 1)) == null;
    }

    /** The sha256 digest of {@code bytes}. */
    public static Digest sha256(byte[] bytes) {
        return of(DigestAlgorithm.SHA256, DigestAlgorithm.SHA256.newMessageDigest().digest(bytes));
    }

    /** Makes a digest from a finished hash. */
    public static Digest of(DigestAlgorithm algorithm, byte[] hash) {
        return new Digest(algorithm.id(), HexFormat.of().formatHex(hash));
    }

    /** The algorithm when this tool implements it; empty for digests it can hold but not verify. */
    public Optional<DigestAlgorithm> knownAlgorithm() {
        return DigestAlgorithm.byId(algorithm);
    }

    /** The first 12 characters of the encoded part, for display. */
    public String shortForm() {
        return encoded.length() <= 12 ? encoded : encoded.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }

    /*
     * equals and hashCode written out: a record's generated ones go through method handles, which the C1
     * compiler (all that short commands run with) does not inline; digests are the keys of every graph map.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Digest d && encoded.equals(d.encoded) && algorithm.equals(d.algorithm);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + encoded.hashCode();
    }

    @Override
    public int compareTo(Digest o) {
        int c = algorithm.compareTo(o.algorithm);
        return c != 0 ? c : encoded.compareTo(o.encoded);
    }

    private static String problem(String algorithm, String encoded) {
        if ("sha256".equals(algorithm) && encoded != null && encoded.length() == 64 && isLowerHex(encoded)) {
            return null; // the common case, without regular expressions
        }
        if (algorithm == null || algorithm.isEmpty()) {
            return "the algorithm is empty";
        }
        if (encoded == null || encoded.isEmpty()) {
            return "the encoded part is empty";
        }
        if (algorithm.length() + encoded.length() + 1 > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (!ALGORITHM.matcher(algorithm).matches()) {
            return "the algorithm must be lowercase letters and digits, optionally joined by one of + . _ -";
        }
        if (!ENCODED.matcher(encoded).matches()) {
            return "the encoded part may only hold letters, digits, =, _ and -";
        }
        Integer hexLength = REGISTERED.get(algorithm);
        if (hexLength != null && (encoded.length() != hexLength || !LOWER_HEX.matcher(encoded).matches())) {
            return algorithm + " needs exactly " + hexLength + " lowercase hex characters";
        }
        return null;
    }
}
