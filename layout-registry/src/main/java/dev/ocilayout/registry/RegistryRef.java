package dev.ocilayout.registry;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.RefName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Content in a registry: {@code REGISTRY/REPOSITORY[:TAG|@DIGEST]}, e.g. {@code 127.0.0.1:5000/team/app:v1}.
 *
 * @param registry host and optional port
 */
public record RegistryRef(String registry, String repository, String tag, Digest digest) {
    /** The explicit prefix that makes a reference a registry reference. */
    public static final String DOCKER_PREFIX = "docker://";
    /** The explicit prefix that makes a reference a layout reference. */
    public static final String OCI_PREFIX = "oci:";
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    public RegistryRef {
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("invalid repository name '" + repository + "'");
        }
        if (tag != null) {
            RefName.validate(tag);
        }
    }

    /**
     * Whether {@code text} names a registry: it starts with {@code docker://}, or (without {@code oci:}) its
     * first component looks like a host ({@code localhost}, or containing '.' or ':') and is no local path.
     */
    public static boolean isRegistry(String text) {
        if (text.startsWith(DOCKER_PREFIX)) {
            return true;
        }
        if (text.startsWith(OCI_PREFIX) || text.startsWith("/") || text.startsWith(".")) {
            return false;
        }
        int slash = text.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String first = text.substring(0, slash);
        boolean host = first.equals("localhost") || first.contains(".") || first.contains(":");
        return host && !Files.exists(Path.of(first));
    }

    public static RegistryRef parse(String text) {
        String t = text.startsWith(DOCKER_PREFIX) ? text.substring(DOCKER_PREFIX.length()) : text;
        int slash = t.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("invalid registry reference '" + text + "': REGISTRY/REPOSITORY[:TAG|@DIGEST]");
        }
        String registry = t.substring(0, slash);
        String rest = t.substring(slash + 1);
        Digest digest = null;
        String tag = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.tryParse(rest.substring(at + 1));
            if (digest == null) {
                throw new IllegalArgumentException("invalid digest in '" + text + "'");
            }
            rest = rest.substring(0, at);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
        }
        return new RegistryRef(registry, rest, tag, digest);
    }

    /** The tag or digest, as the API's {@code <reference>}; {@code latest} when neither is given, as Docker does. */
    public String reference() {
        return digest != null ? digest.toString() : tag != null ? tag : "latest";
    }

    public RegistryRef withTag(String t) {
        return new RegistryRef(registry, repository, t, null);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (digest != null ? "@" + digest : tag != null ? ":" + tag : "");
    }
}
