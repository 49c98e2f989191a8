package dev.ocilayout.lint;

import dev.ocilayout.digest.Digest;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Linter} found.
 *
 * @param documents every manifest and index looked at, in walk order
 * @param findings  spec findings and the findings of the selected registry profiles
 * @param profiles  the registry profiles applied
 */
public record LintReport(List<Document> documents, List<LintFinding> findings, List<RegistryProfile> profiles) {
    /** The word a matrix cell shows for content a registry accepts. */
    public static final String PASS = "pass";

    public LintReport {
        documents = List.copyOf(documents);
        findings = List.copyOf(findings);
        profiles = List.copyOf(profiles);
    }

    public long count(Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    /** Whether lint fails: an error, or with {@code strict} any finding. */
    public boolean fails(boolean strict) {
        return strict ? !findings.isEmpty() : count(Severity.ERROR) > 0;
    }

    /**
     * One cell of the registry matrix: {@link #PASS}, or the error the registry answers a push of
     * {@code document} with (its first error-level rule).
     */
    public String cell(Digest document, RegistryProfile profile) {
        for (LintFinding f : findings) {
            if (f.severity() == Severity.ERROR && profile.name().equals(f.registry()) && Objects.equals(document, f.digest())) {
                return profile.rules().stream().filter(r -> r.code().equals(f.code())).findFirst()
                        .map(RegistryProfile.Rule::error).orElse(f.message());
            }
        }
        return PASS;
    }
}
