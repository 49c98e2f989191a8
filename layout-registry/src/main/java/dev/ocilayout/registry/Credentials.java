package dev.ocilayout.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A user name and password for one registry: given explicitly, or read from Docker's config file
 * ({@code ~/.docker/config.json} or {@code $DOCKER_CONFIG/config.json}, {@code auths.<registry>.auth}, the
 * base64 of {@code user:password}, or its {@code username}/{@code password} fields).
 */
public record Credentials(String username, String password) {
    public static final Credentials NONE = new Credentials(null, null);

    public boolean present() {
        return username != null && password != null;
    }

    /** The {@code Authorization: Basic} value. */
    public String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** What Docker's config file holds for {@code registry}, else {@link #NONE}. */
    public static Credentials fromDockerConfig(String registry) throws IOException {
        String dir = System.getenv("DOCKER_CONFIG");
        Path file = dir != null ? Path.of(dir, "config.json") : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return fromDockerConfig(file, registry);
    }

    static Credentials fromDockerConfig(Path file, String registry) throws IOException {
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode auths = new ObjectMapper().readTree(file.toFile()).path("auths");
        for (String key : new String[] {registry, "https://" + registry, "http://" + registry,
                registry.equals("docker.io") ? "https://index.docker.io/v1/" : registry}) {
            JsonNode entry = auths.get(key);
            if (entry == null) {
                continue;
            }
            if (entry.path("auth").isTextual()) {
                String decoded = new String(Base64.getDecoder().decode(entry.get("auth").textValue()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
                }
            }
            if (entry.path("username").isTextual() && entry.path("password").isTextual()) {
                return new Credentials(entry.get("username").textValue(), entry.get("password").textValue());
            }
        }
        return NONE;
    }
}
