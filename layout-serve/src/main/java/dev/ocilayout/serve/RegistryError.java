package dev.ocilayout.serve;

/**
 * An error the distribution-spec defines, answered as {@code {"errors":[{"code","message","detail"}]}} with its
 * HTTP status.
 */
final class RegistryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    RegistryError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static RegistryError blobUnknown(String what) {
        return new RegistryError(404, "BLOB_UNKNOWN", "blob unknown to registry: " + what);
    }

    static RegistryError manifestUnknown(String what) {
        return new RegistryError(404, "MANIFEST_UNKNOWN", "manifest unknown: " + what);
    }

    static RegistryError nameUnknown(String name) {
        return new RegistryError(404, "NAME_UNKNOWN", "repository name not known to registry: " + name);
    }

    static RegistryError nameInvalid(String name, String why) {
        return new RegistryError(400, "NAME_INVALID", "invalid repository name " + name + ": " + why);
    }

    static RegistryError digestInvalid(String message) {
        return new RegistryError(400, "DIGEST_INVALID", message);
    }

    static RegistryError manifestInvalid(String message) {
        return new RegistryError(400, "MANIFEST_INVALID", message);
    }

    static RegistryError uploadUnknown(String id) {
        return new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry: " + id);
    }

    static RegistryError uploadInvalid(String message) {
        return new RegistryError(400, "BLOB_UPLOAD_INVALID", message);
    }

    static RegistryError unsupported(String message) {
        return new RegistryError(405, "UNSUPPORTED", message);
    }
}
