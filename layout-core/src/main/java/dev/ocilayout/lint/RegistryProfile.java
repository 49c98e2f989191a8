package dev.ocilayout.lint;

import java.util.List;

/**
 * What one registry is known to refuse, from {@code registries.json}.
 *
 * @param name  the name {@code --registry} takes, e.g. {@code ecr}
 * @param title the registry's full name
 */
public record RegistryProfile(String name, String title, List<Rule> rules) {
    /**
     * One refusal.
     *
     * @param code     stable finding code, {@code REG-<REGISTRY>-<WHAT>}
     * @param when     the fact that triggers it
     * @param summary  what the registry does, in our words
     * @param error    the registry's own error text, as a user sees it
     * @param source   where this is known from
     * @param fix      one line on how to make the content acceptable
     */
    public record Rule(String code, Fact when, Severity severity, String summary, String error, String source, String fix) {
    }

    public RegistryProfile {
        rules = List.copyOf(rules);
    }
}
