package dev.ocilayout.model;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.SizeMismatchException;
import dev.ocilayout.error.UnsupportedException;
import java.util.Arrays;

/**
 * A manifest or index as content: its descriptor and its exact bytes, which are checked against the
 * descriptor's size and digest when the value is made, and parsed (once, when first asked) only to read
 * what they reference. The bytes are never re-serialized: what is stored or sent is what was read.
 */
public final class RawManifest {
    private final Descriptor descriptor;
    private final byte[] bytes;
    private Manifest parsed;

    private RawManifest(Descriptor descriptor, byte[] bytes) {
        this.descriptor = descriptor;
        this.bytes = bytes;
    }

    /**
     * The bytes as {@code descriptor}'s content.
     *
     * @throws IntegrityException   when their size or digest differs from the descriptor's
     * @throws UnsupportedException when the digest's algorithm is one this tool cannot compute
     */
    public static RawManifest of(Descriptor descriptor, byte[] bytes) throws IntegrityException, UnsupportedException {
        String subject = "manifest " + descriptor.digest();
        if (bytes.length != descriptor.size()) {
            throw new SizeMismatchException(subject, descriptor.size(), bytes.length);
        }
        DigestAlgorithm algorithm = descriptor.digest().knownAlgorithm().orElseThrow(() -> new UnsupportedException(
                subject + ": cannot verify a " + descriptor.digest().algorithm() + " digest"));
        Digest actual = Digest.of(algorithm, algorithm.newMessageDigest().digest(bytes));
        if (!actual.equals(descriptor.digest())) {
            throw new DigestMismatchException(subject, descriptor.digest(), actual);
        }
        return new RawManifest(descriptor, bytes.clone());
    }

    /** Bytes this tool made, with a sha256 descriptor of {@code mediaType} made for them. */
    public static RawManifest made(String mediaType, byte[] bytes) {
        return new RawManifest(Descriptor.of(mediaType, Digest.sha256(bytes), bytes.length), bytes.clone());
    }

    public Descriptor descriptor() {
        return descriptor;
    }

    public Digest digest() {
        return descriptor.digest();
    }

    public String mediaType() {
        return descriptor.mediaType();
    }

    /** A copy of the exact bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The exact bytes as a stream (no copy is made). */
    public java.io.InputStream open() {
        return new java.io.ByteArrayInputStream(bytes);
    }

    public long size() {
        return bytes.length;
    }

    /**
     * The document parsed as its descriptor's media type, once.
     *
     * @throws InvalidContentException when the bytes are not UTF-8 JSON of a manifest or index of that type
     */
    public synchronized Manifest manifest() throws InvalidContentException {
        if (parsed == null) {
            parsed = ModelJson.parseManifest(bytes, descriptor.mediaType(), "manifest " + descriptor.digest());
        }
        return parsed;
    }

    /** Equal when descriptor and bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RawManifest r && r.descriptor.equals(descriptor) && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return descriptor.hashCode();
    }

    @Override
    public String toString() {
        return "RawManifest[" + descriptor.mediaType() + " " + descriptor.digest() + ", " + bytes.length + " bytes]";
    }
}
