package dev.ocilayout.model;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.text.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where content is, in the one grammar every command reads (spec-notes/references.md): a layout, an
 * archive read in place, or a registry repository, and optionally what in it (a tag, a full
 * {@code org.opencontainers.image.ref.name}, or a digest).
 *
 * <pre>
 * DIR[:TAG|@DIGEST]                          a layout; the tag follows the last ':' after the last '/'
 * oci:DIR[:REF|@DIGEST]                      a layout; REF is the whole ref.name (split at the first ':')
 * oci-archive:FILE[:REF|@DIGEST]             an OCI archive (plain, gzip, zstd), read in place
 * docker-archive:FILE[:NAME:TAG|@DIGEST]     a docker save tar, read in place
 * docker://REGISTRY/REPO[:TAG|@DIGEST]       a registry repository
 * REGISTRY/REPO[:TAG|@DIGEST]                the same, when REGISTRY looks like a host and is no local path
 * </pre>
 *
 * @param kind       what holds the content
 * @param location   the layout folder, the archive file, or the registry host (with port)
 * @param repository the repository in a registry; null otherwise
 * @param name       the tag or ref.name asked for, or null
 * @param digest     the digest asked for, or null; never both name and digest
 */
public record Address(Kind kind, String location, String repository, String name, Digest digest) {
    /** What holds the content. */
    public enum Kind {
        LAYOUT("DIR[:TAG|@DIGEST] or oci:DIR[:REF|@DIGEST]"),
        OCI_ARCHIVE("oci-archive:FILE[:REF|@DIGEST]"),
        DOCKER_ARCHIVE("docker-archive:FILE[:NAME:TAG|@DIGEST]"),
        REGISTRY("[docker://]REGISTRY/REPO[:TAG|@DIGEST]");

        private final String form;

        Kind(String form) {
            this.form = form;
        }

        /** The form of an address of this kind, for messages. */
        public String form() {
            return form;
        }
    }

    public static final String OCI = "oci:";
    public static final String OCI_ARCHIVE = "oci-archive:";
    public static final String DOCKER_ARCHIVE = "docker-archive:";
    public static final String DOCKER = "docker://";

    /** The distribution-spec's repository name grammar: lower-case components separated by '/'. */
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    /** A host name or address, with an optional port (distribution's reference grammar: domain). */
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    public Address {
        if (kind == null || location == null || location.isEmpty()) {
            throw new IllegalArgumentException("invalid address: no " + (kind == Kind.REGISTRY ? "registry"
                    : kind == Kind.LAYOUT ? "layout folder" : "archive file"));
        }
        if (name != null && digest != null) {
            throw new IllegalArgumentException("invalid address: give a tag or a digest, not both");
        }
        if ((kind == Kind.REGISTRY) != (repository != null)) {
            throw new IllegalArgumentException("invalid address: a repository belongs to a registry address");
        }
    }

    /** Whether {@code name} follows the distribution-spec's repository name grammar. */
    public static boolean isRepositoryName(String name) {
        return REPOSITORY.matcher(name).matches();
    }

    /** Parses any address; a malformed one says which form it looked like and why it is not one. */
    public static Address parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("invalid reference: empty");
        }
        if (text.startsWith(DOCKER)) {
            return registry(text, text.substring(DOCKER.length()));
        }
        if (text.startsWith(OCI_ARCHIVE)) {
            return transport(Kind.OCI_ARCHIVE, text, text.substring(OCI_ARCHIVE.length()));
        }
        if (text.startsWith(DOCKER_ARCHIVE)) {
            return transport(Kind.DOCKER_ARCHIVE, text, text.substring(DOCKER_ARCHIVE.length()));
        }
        if (text.startsWith(OCI)) {
            return transport(Kind.LAYOUT, text, text.substring(OCI.length()));
        }
        if (looksLikeRegistry(text)) {
            return registry(text, text);
        }
        Reference r = Reference.parse(text);
        return new Address(Kind.LAYOUT, r.layout(), null, r.tag(), r.digest());
    }

    /**
     * An address in a layout given on its own ({@code --layout DIR}): {@code ref} is a tag or any ref.name
     * (full names with ':' and '/' included), {@code @DIGEST} or a bare digest, or null for the layout.
     */
    public static Address inLayout(String dir, String ref) {
        if (ref == null || ref.isEmpty()) {
            return new Address(Kind.LAYOUT, dir, null, null, null);
        }
        String s = ref.startsWith("@") ? ref.substring(1) : ref;
        if (ref.startsWith("@") || isDigest(s)) {
            return new Address(Kind.LAYOUT, dir, null, null, digest(ref, Kind.LAYOUT, s));
        }
        return new Address(Kind.LAYOUT, dir, null, refName(ref, Kind.LAYOUT, ref), null);
    }

    /**
     * Whether {@code text} (with no prefix) is taken for a registry: its first component looks like a host
     * ({@code localhost}, or containing '.' or ':') and is no local path.
     */
    public static boolean looksLikeRegistry(String text) {
        if (text.startsWith("/") || text.startsWith(".")) {
            return false;
        }
        int slash = text.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String first = text.substring(0, slash);
        boolean host = HOST.matcher(first).matches()
                && (first.equals("localhost") || first.contains(".") || first.contains(":"));
        return host && !Files.exists(Path.of(first));
    }

    /** {@code LOCATION[:REF|@DIGEST]} after a transport prefix: the location ends at the first ':' or '@'. */
    private static Address transport(Kind kind, String whole, String rest) {
        int at = rest.indexOf('@');
        int colon = rest.indexOf(':');
        if (at >= 0 && (colon < 0 || at < colon)) { // LOCATION@DIGEST (a location with '@' goes with --layout)
            return new Address(kind, location(kind, whole, rest.substring(0, at)), null, null,
                    digest(whole, kind, rest.substring(at + 1)));
        }
        if (colon < 0) {
            return new Address(kind, location(kind, whole, rest), null, null, null);
        }
        String ref = rest.substring(colon + 1);
        if (ref.isEmpty()) {
            throw invalid(whole, kind, "nothing after the ':' that ends the " + what(kind));
        }
        if (ref.startsWith("@")) {
            return new Address(kind, location(kind, whole, rest.substring(0, colon)), null, null,
                    digest(whole, kind, ref.substring(1)));
        }
        if (isDigest(ref) && kind != Kind.DOCKER_ARCHIVE) {
            throw invalid(whole, kind, "a digest follows '@', not ':'");
        }
        return new Address(kind, location(kind, whole, rest.substring(0, colon)), null, refName(whole, kind, ref), null);
    }

    /** A digest of an algorithm this tool computes: {@code v1:x} fits the digest grammar but is a tag. */
    private static boolean isDigest(String s) {
        return Digest.ofReference(s) != null;
    }

    private static Address registry(String whole, String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw invalid(whole, Kind.REGISTRY, "no '/' between the registry and the repository");
        }
        String registry = text.substring(0, slash);
        String rest = text.substring(slash + 1);
        Digest digest = null;
        String tag = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = digest(whole, Kind.REGISTRY, rest.substring(at + 1));
            rest = rest.substring(0, at);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
                if (!TAG.matcher(tag).matches()) {
                    throw invalid(whole, Kind.REGISTRY, "tag " + Text.quote(tag) + " is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
                }
            }
        }
        if (!isRepositoryName(rest)) {
            throw invalid(whole, Kind.REGISTRY, "repository " + Text.quote(rest)
                    + " is not lower-case components separated by '/' (distribution-spec)");
        }
        return new Address(Kind.REGISTRY, registry, rest, tag, digest);
    }

    private static String location(Kind kind, String whole, String location) {
        if (location.isEmpty()) {
            throw invalid(whole, kind, "no " + what(kind) + " before the ':'");
        }
        return location;
    }

    private static String what(Kind kind) {
        return kind == Kind.LAYOUT ? "layout folder" : "archive file";
    }

    private static String refName(String whole, Kind kind, String ref) {
        if (kind == Kind.DOCKER_ARCHIVE) {
            return ref; // NAME:TAG, as docker names it
        }
        if (!RefName.isValid(ref)) {
            throw invalid(whole, kind, "ref name " + Text.quote(ref) + " does not follow the image-spec's"
                    + " org.opencontainers.image.ref.name grammar");
        }
        return ref;
    }

    private static Digest digest(String whole, Kind kind, String digest) {
        try {
            return Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw invalid(whole, kind, e.getMessage());
        }
    }

    private static IllegalArgumentException invalid(String whole, Kind kind, String why) {
        return new IllegalArgumentException("invalid reference " + Text.quote(whole) + ": read as "
                + kind.form() + ", but " + why);
    }

    /** What to resolve in the target: the digest, else the name, else null (the whole layout or archive). */
    public String reference() {
        return digest != null ? digest.toString() : name;
    }

    /** True when it names no tag or digest, only where the content is. */
    public boolean isLocationOnly() {
        return name == null && digest == null;
    }

    /** The same place, naming {@code tag} instead. */
    public Address withName(String tag) {
        return new Address(kind, location, repository, tag, null);
    }

    /** The same place, naming nothing in it. */
    public Address place() {
        return new Address(kind, location, repository, null, null);
    }

    /** The canonical form: with its prefix where a bare form would read otherwise. */
    @Override
    public String toString() {
        String suffix = digest != null ? "@" + digest : name != null ? ":" + name : "";
        return switch (kind) {
            case LAYOUT -> (name != null && (name.contains(":") || name.contains("/")) ? OCI : "") + location + suffix;
            case OCI_ARCHIVE -> OCI_ARCHIVE + location + suffix;
            case DOCKER_ARCHIVE -> DOCKER_ARCHIVE + location + suffix;
            case REGISTRY -> location + "/" + repository + suffix;
        };
    }
}
