package dev.ocilayout.model;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.text.Text;

/**
 * A reference to content in a layout: {@code PATH}, {@code PATH:TAG} or {@code PATH@DIGEST}.
 *
 * <p>The tag is the text after the last {@code :} that follows the last {@code /}, so {@code ./a:b/c}
 * is the layout {@code ./a:b/c} with no tag, and {@code dir:v1} is the tag {@code v1} of {@code dir}. A
 * digest follows the last {@code @}. For a path that itself contains {@code :} or {@code @}, give the
 * layout separately ({@link #inLayout}).
 *
 * @param layout the layout directory as written
 * @param tag    or null
 * @param digest or null; never both tag and digest
 */
public record Reference(String layout, String tag, Digest digest) {
    public Reference {
        if (layout == null || layout.isEmpty()) {
            throw new IllegalArgumentException("invalid reference: the layout path is empty");
        }
        if (tag != null && digest != null) {
            throw new IllegalArgumentException("invalid reference: give a tag or a digest, not both");
        }
        if (tag != null) {
            RefName.validate(tag);
        }
    }

    /** Parses {@code PATH[:TAG]} or {@code PATH@DIGEST}. */
    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("invalid reference: empty");
        }
        int at = text.lastIndexOf('@');
        if (at >= 0 && text.indexOf(':', at) > at) {
            String digest = text.substring(at + 1);
            String path = text.substring(0, at);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("invalid reference " + Text.quote(text) + ": the layout path is empty");
            }
            return new Reference(path, null, parseDigest(text, digest));
        }
        int slash = text.lastIndexOf('/');
        int colon = text.lastIndexOf(':');
        if (colon > slash) {
            String tag = text.substring(colon + 1);
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("invalid reference " + Text.quote(text) + ": empty tag after ':'");
            }
            return new Reference(text.substring(0, colon), tag, null);
        }
        return new Reference(text, null, null);
    }

    /**
     * A reference whose layout path is given on its own ({@code --layout}); {@code tagOrDigest} is a tag,
     * {@code @DIGEST}, a bare digest, or null for the layout itself.
     */
    public static Reference inLayout(String layout, String tagOrDigest) {
        if (tagOrDigest == null || tagOrDigest.isEmpty()) {
            return new Reference(layout, null, null);
        }
        String s = tagOrDigest.startsWith("@") ? tagOrDigest.substring(1) : tagOrDigest;
        if (tagOrDigest.startsWith("@") || Digest.isValid(s)) {
            return new Reference(layout, null, parseDigest(tagOrDigest, s));
        }
        return new Reference(layout, tagOrDigest, null);
    }

    /** True when the reference names only a layout, no tag or digest. */
    public boolean isLayoutOnly() {
        return tag == null && digest == null;
    }

    private static Digest parseDigest(String whole, String digest) {
        try {
            return Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid reference " + Text.quote(whole) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return layout + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
