package dev.ocilayout.registry;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.RefName;

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

    public RegistryRef {
        if (!Address.isRepositoryName(repository)) {
            throw new IllegalArgumentException("invalid repository name '" + repository + "'");
        }
        if (tag != null) {
            RefName.validate(tag);
        }
    }

    /**
     * Whether {@code text} names a registry: it starts with {@code docker://}, or (without {@code oci:}) its
     * first component looks like a host and is no local path ({@link Address#looksLikeRegistry}).
     */
    public static boolean isRegistry(String text) {
        return text.startsWith(DOCKER_PREFIX) || !text.startsWith(OCI_PREFIX) && Address.looksLikeRegistry(text);
    }

    /** Parses {@code [docker://]REGISTRY/REPOSITORY[:TAG|@DIGEST]}, by the one reference grammar ({@link Address}). */
    public static RegistryRef parse(String text) {
        Address a = Address.parse(text.startsWith(DOCKER_PREFIX) ? text : DOCKER_PREFIX + text);
        return new RegistryRef(a.location(), a.repository(), a.name(), a.digest());
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
