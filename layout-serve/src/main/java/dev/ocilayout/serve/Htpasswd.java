package dev.ocilayout.serve;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mindrot.jbcrypt.BCrypt;

/**
 * Users from an htpasswd file with bcrypt hashes ({@code htpasswd -B}), as docker-registry takes them; basic
 * auth is checked against it. A verified user and password is remembered (by its sha256), so bcrypt's cost is
 * paid once per client, not per request.
 */
final class Htpasswd {
    private final Map<String, String> hashes;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = hashes;
    }

    static Htpasswd load(Path file) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1);
            if (colon <= 0 || !hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new InvalidContentException(file + ":" + (i + 1) + ": not user:bcrypt-hash (make entries with"
                        + " htpasswd -B; other hashes are refused, as docker-registry refuses them)");
            }
            hashes.put(line.substring(0, colon), hash);
        }
        if (hashes.isEmpty()) {
            throw new InvalidContentException(file + ": no users");
        }
        return new Htpasswd(hashes);
    }

    /** The user an {@code Authorization: Basic} header names (verified or not), or null. */
    static String user(String authorization) {
        String decoded = basic(authorization);
        int colon = decoded == null ? -1 : decoded.indexOf(':');
        return colon <= 0 ? null : decoded.substring(0, colon);
    }

    /** The {@code user:password} of an {@code Authorization: Basic} header, or null when it is none. */
    private static String basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether an {@code Authorization} header carries a known user with the right password. */
    boolean allows(String authorization) {
        String decoded = basic(authorization);
        if (decoded == null) {
            return false;
        }
        String key = Digest.sha256(decoded.getBytes(StandardCharsets.UTF_8)).toString();
        if (verified.contains(key)) {
            return true;
        }
        int colon = decoded.indexOf(':');
        String hash = colon <= 0 ? null : hashes.get(decoded.substring(0, colon));
        if (hash == null) {
            return false;
        }
        // jBCrypt reads $2a$; $2b$ and $2y$ (htpasswd's) hash the same for passwords under 72 bytes
        String normalized = "$2a$" + hash.substring(hash.indexOf('$', 1) + 1);
        boolean ok;
        try {
            ok = BCrypt.checkpw(decoded.substring(colon + 1), normalized);
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok) {
            verified.add(key);
        }
        return ok;
    }
}
