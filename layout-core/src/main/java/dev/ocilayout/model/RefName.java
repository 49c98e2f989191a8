package dev.ocilayout.model;

import dev.ocilayout.text.Text;
import java.util.regex.Pattern;

/**
 * The grammar of {@code org.opencontainers.image.ref.name} (image-spec annotations.md), which is what
 * skopeo and umoci accept as a tag in a layout:
 *
 * <pre>
 * ref       ::= component ("/" component)*
 * component ::= alphanum (separator alphanum)*
 * alphanum  ::= [A-Za-z0-9]+
 * separator ::= [-._:@+] | "--"
 * </pre>
 */
public final class RefName {
    /** Longest name accepted; the spec sets none, but a tag is a label, not a document. */
    public static final int MAX_LENGTH = 256;
    private static final String COMPONENT = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
    private static final Pattern REF = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    private RefName() {
    }

    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && REF.matcher(name).matches();
    }

    /** Returns {@code name} or throws {@link IllegalArgumentException} naming the rule it breaks. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("invalid tag: empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "invalid tag " + Text.quote(name) + ": longer than " + MAX_LENGTH + " characters");
        }
        if (!REF.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid tag " + Text.quote(name)
                    + ": use letters and digits joined by one of - . _ : @ + -- or /, e.g. v1.0 or release/2024-01");
        }
        return name;
    }

    /**
     * The repository a full image name held as a ref.name names ({@code localhost/bimg:2} →
     * {@code localhost/bimg}), or null for a plain tag ({@code v1}): the naming rule of
     * spec-notes/repositories.md.
     */
    public static String repositoryOf(String refName) {
        int slash = refName.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        int colon = refName.lastIndexOf(':');
        return colon > slash ? refName.substring(0, colon) : refName;
    }

    /** The tag part: a plain tag itself; of a full name, what follows its last ':' after the last '/', else latest. */
    public static String tagOf(String refName) {
        int slash = refName.lastIndexOf('/');
        if (slash < 0) {
            return refName;
        }
        int colon = refName.lastIndexOf(':');
        return colon > slash ? refName.substring(colon + 1) : "latest";
    }
}
