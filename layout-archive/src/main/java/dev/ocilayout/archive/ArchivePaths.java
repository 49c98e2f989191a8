package dev.ocilayout.archive;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.text.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * Names of archive entries. An entry name is only ever used as a key into the archive, never as a path on
 * disk, but a name that would escape a directory is a sign of a hostile archive and is refused.
 */
final class ArchivePaths {
    private ArchivePaths() {
    }

    /** The entry name without {@code ./} prefixes or a trailing slash; refused when absolute or escaping. */
    static String clean(String name, String source) throws InvalidContentException {
        if (name == null || name.isEmpty()) {
            throw new InvalidContentException(source + " has an entry with an empty name");
        }
        if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name)
                    + " has a NUL or backslash in its name");
        }
        if (name.startsWith("/")) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name) + " has an absolute path");
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/", -1)) {
            if (part.equals("..")) {
                throw new InvalidContentException(source + ": entry " + Text.quote(name)
                        + " has a '..' segment (path traversal)");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            return "";
        }
        return String.join("/", parts);
    }

    /**
     * Where a symbolic link entry {@code name} with target {@code target} points, as an entry name; refused
     * when the target is absolute or leaves the archive.
     */
    static String resolveLink(String name, String target, String source) throws InvalidContentException {
        if (target == null || target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
            throw new InvalidContentException(source + ": symbolic link " + Text.quote(name) + " points to "
                    + Text.quote(target) + ", outside the archive");
        }
        List<String> parts = new ArrayList<>(List.of(name.split("/")));
        parts.remove(parts.size() - 1);
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidContentException(source + ": symbolic link " + Text.quote(name) + " points to "
                            + Text.quote(target) + ", outside the archive");
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** The entry name of a blob: {@code blobs/<algorithm>/<encoded>}. */
    static String blobName(Digest d) {
        return "blobs/" + d.algorithm() + "/" + d.encoded();
    }

    /** The digest an entry name {@code blobs/<algorithm>/<encoded>} gives, or null when it gives none. */
    static Digest blobDigest(String name) {
        String[] parts = name.split("/");
        return parts.length == 3 && parts[0].equals("blobs") ? Digest.tryParse(parts[1] + ":" + parts[2]) : null;
    }
}
