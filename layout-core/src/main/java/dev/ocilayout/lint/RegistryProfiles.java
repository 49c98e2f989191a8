package dev.ocilayout.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocilayout.error.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry profiles: the ones shipped in {@code registries.json} next to this class, plus any a user
 * loads from a file of the same shape (a profile of the same name replaces the shipped one).
 */
public final class RegistryProfiles {
    /** The name that selects every profile. */
    public static final String ALL = "all";

    private final Map<String, RegistryProfile> byName;

    private RegistryProfiles(Map<String, RegistryProfile> byName) {
        this.byName = byName;
    }

    /** The shipped profiles. */
    public static RegistryProfiles builtIn() {
        try (InputStream in = RegistryProfiles.class.getResourceAsStream("registries.json")) {
            return new RegistryProfiles(new LinkedHashMap<>()).with(in, "registries.json");
        } catch (IOException e) {
            throw new UncheckedIOException("the shipped registries.json cannot be read", e);
        }
    }

    /** These profiles and those in {@code in} (which replace same-named ones). */
    public RegistryProfiles with(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new InvalidContentException(source + ": not valid JSON: " + dev.ocilayout.text.Text.oneLine(e.getMessage()), e);
        }
        Map<String, RegistryProfile> next = new LinkedHashMap<>(byName);
        JsonNode registries = root == null ? null : root.get("registries");
        if (registries == null || !registries.isArray()) {
            throw new InvalidContentException(source + ": needs a \"registries\" array");
        }
        for (int i = 0; i < registries.size(); i++) {
            RegistryProfile p = profile(registries.get(i), source + ": registries[" + i + "]");
            next.put(p.name(), p);
        }
        return new RegistryProfiles(next);
    }

    private static RegistryProfile profile(JsonNode r, String at) throws InvalidContentException {
        String name = text(r, "name", at);
        if (name.equals(ALL) || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new InvalidContentException(at + ": name \"" + name + "\" must be lowercase letters, digits and '-', not 'all'");
        }
        List<RegistryProfile.Rule> rules = new ArrayList<>();
        JsonNode list = r.path("rules");
        for (int i = 0; i < list.size(); i++) {
            JsonNode rule = list.get(i);
            String where = at + ".rules[" + i + "]";
            Fact when;
            Severity severity;
            try {
                when = Fact.valueOf(text(rule, "when", where));
                severity = Severity.of(rule.path("severity").asText("error"));
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(where + ": unknown fact or severity (facts: "
                        + java.util.Arrays.toString(Fact.values()) + "; severities: error, warning, info)");
            }
            rules.add(new RegistryProfile.Rule(text(rule, "code", where), when, severity, text(rule, "summary", where),
                    text(rule, "error", where), text(rule, "source", where), text(rule, "fix", where)));
        }
        return new RegistryProfile(name, r.path("title").asText(name), rules);
    }

    private static String text(JsonNode n, String field, String at) throws InvalidContentException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw new InvalidContentException(at + ": \"" + field + "\" must be a non-empty string");
        }
        return v.textValue();
    }

    /** Every profile, in file order. */
    public List<RegistryProfile> all() {
        return List.copyOf(byName.values());
    }

    /** The profiles {@code names} select ({@code all} selects every one); an unknown name is an error. */
    public List<RegistryProfile> select(List<String> names) {
        Map<String, RegistryProfile> chosen = new LinkedHashMap<>();
        for (String n : names) {
            if (n.equals(ALL)) {
                byName.forEach(chosen::putIfAbsent);
                continue;
            }
            RegistryProfile p = byName.get(n);
            if (p == null) {
                throw new IllegalArgumentException("unknown registry '" + n + "'; known: " + String.join(", ", byName.keySet())
                        + ", all");
            }
            chosen.putIfAbsent(n, p);
        }
        return List.copyOf(chosen.values());
    }
}
