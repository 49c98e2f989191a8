package dev.ocilayout.lint;

import dev.ocilayout.digest.Digest;
import java.util.Objects;

/**
 * One thing lint found.
 *
 * @param code     stable identifier, e.g. {@code OCI-ARTIFACT-NO-CONFIG} or {@code REG-ECR-NO-LAYERS}
 * @param registry the registry profile the finding comes from, or null for a spec check
 * @param digest   the document it is about (null for {@code index.json} itself)
 * @param path     where in that document, as a JSON path ({@code $.layers[0].size})
 * @param message  what is wrong; for a registry rule, the registry's own error text
 * @param fix      one line on how to fix it
 */
public record LintFinding(String code, Severity severity, String registry, Digest digest, String path, String message,
                          String fix) {
    public LintFinding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }
}
