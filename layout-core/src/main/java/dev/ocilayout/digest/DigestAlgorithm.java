package dev.ocilayout.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/** The digest algorithms this tool can compute and therefore verify and write. */
public enum DigestAlgorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA512("sha512", "SHA-512", 128);

    private final String id;
    private final String jcaName;
    private final int hexLength;

    DigestAlgorithm(String id, String jcaName, int hexLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** The name used in digests and under {@code blobs/}, e.g. {@code sha256}. */
    public String id() {
        return id;
    }

    /** Length of the lowercase hex encoded part. */
    public int hexLength() {
        return hexLength;
    }

    /**
     * A fresh hash. Cloned from an unused prototype: a provider lookup per blob cost more than hashing a
     * small manifest (gc and fsck hash tens of thousands of them).
     */
    public MessageDigest newMessageDigest() {
        try {
            return (MessageDigest) prototype().clone();
        } catch (CloneNotSupportedException e) {
            return lookUp();
        }
    }

    private volatile MessageDigest prototype;

    private MessageDigest prototype() {
        MessageDigest p = prototype;
        if (p == null) {
            p = lookUp();
            prototype = p;
        }
        return p;
    }

    private MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + jcaName, e);
        }
    }

    public static Optional<DigestAlgorithm> byId(String id) {
        for (DigestAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
