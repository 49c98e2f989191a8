package dev.ocilayout.lint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.text.Text;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules of an image config (image-spec config.md), field by field: every field the spec types is checked
 * for its type, the required ones for presence, and {@code Env}, {@code created}, {@code rootfs} for their
 * form. A JSON {@code null} is read as an absent field, as Go's encoding/json (Docker, BuildKit, containerd)
 * writes an empty slice or map: it is valid. Fields the spec does not define are left alone.
 */
final class ConfigChecks {
    private final Digest digest;
    private final List<LintFinding> findings = new ArrayList<>();

    private ConfigChecks(Digest digest) {
        this.digest = digest;
    }

    static List<LintFinding> check(JsonNode config, Digest digest) {
        ConfigChecks c = new ConfigChecks(digest);
        if (!config.isObject()) {
            c.add("OCI-CONFIG-FIELD-TYPE", "$", "an image config is a JSON object, this is " + kind(config),
                    "write the config as an object");
            return c.findings;
        }
        c.top(config);
        return c.findings;
    }

    private void top(JsonNode c) {
        boolean os = requiredString(c, "os", "$.os");
        boolean architecture = requiredString(c, "architecture", "$.architecture");
        if (!os || !architecture) {
            add("OCI-CONFIG-PLATFORM", "$", "an image config needs os and architecture, as strings",
                    "set \"os\" and \"architecture\", e.g. \"linux\" and \"amd64\"");
        }
        string(c, "variant", "$.variant");
        string(c, "os.version", "$['os.version']");
        stringArray(c, "os.features", "$['os.features']");
        string(c, "author", "$.author");
        created(c, "$.created");
        JsonNode config = present(c, "config");
        if (config != null && object(config, "$.config")) {
            execution(config);
        }
        rootfs(c.get("rootfs"));
        JsonNode history = present(c, "history");
        if (history != null) {
            if (!history.isArray()) {
                typeError("$.history", "an array of objects", history);
            } else {
                for (int i = 0; i < history.size(); i++) {
                    String at = "$.history[" + i + "]";
                    JsonNode h = history.get(i);
                    if (object(h, at)) {
                        created(h, at + ".created");
                        string(h, "author", at + ".author");
                        string(h, "created_by", at + ".created_by");
                        string(h, "comment", at + ".comment");
                        bool(h, "empty_layer", at + ".empty_layer");
                    }
                }
            }
        }
    }

    /** {@code config}: what a runtime uses as the container's defaults. */
    private void execution(JsonNode c) {
        string(c, "User", "$.config.User");
        objectOfObjects(c, "ExposedPorts", "$.config.ExposedPorts");
        if (stringArray(c, "Env", "$.config.Env")) {
            JsonNode env = present(c, "Env");
            for (int i = 0; env != null && i < env.size(); i++) {
                String entry = env.get(i).textValue();
                if (entry.indexOf('=') <= 0) {
                    add("OCI-CONFIG-ENV", "$.config.Env[" + i + "]", "Env entry " + Text.quote(entry)
                            + " is not VARNAME=VARVALUE", "write NAME=value (an empty value is NAME=)");
                }
            }
        }
        stringArray(c, "Entrypoint", "$.config.Entrypoint");
        stringArray(c, "Cmd", "$.config.Cmd");
        objectOfObjects(c, "Volumes", "$.config.Volumes");
        string(c, "WorkingDir", "$.config.WorkingDir");
        JsonNode labels = present(c, "Labels");
        if (labels != null && object(labels, "$.config.Labels")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    typeError("$.config.Labels[" + Text.quote(e.getKey()) + "]", "a string", e.getValue());
                }
            }
        }
        string(c, "StopSignal", "$.config.StopSignal");
        bool(c, "ArgsEscaped", "$.config.ArgsEscaped");
        for (String n : List.of("Memory", "MemorySwap", "CpuShares")) {
            JsonNode v = present(c, n);
            if (v != null && !v.isIntegralNumber()) {
                typeError("$.config." + n, "an integer", v);
            }
        }
    }

    /** {@code rootfs} (REQUIRED): type {@code layers}, and the layers' uncompressed digests in order. */
    private void rootfs(JsonNode rootfs) {
        if (rootfs == null || rootfs.isNull()) {
            add("OCI-CONFIG-ROOTFS", "$.rootfs", "an image config needs rootfs (type and diff_ids)",
                    "add \"rootfs\": {\"type\": \"layers\", \"diff_ids\": [...]}");
            return;
        }
        if (!object(rootfs, "$.rootfs")) {
            return;
        }
        JsonNode type = rootfs.get("type");
        if (type == null || !type.isTextual() || !type.textValue().equals("layers")) {
            add("OCI-CONFIG-ROOTFS", "$.rootfs.type", "rootfs.type must be \"layers\", this is "
                    + (type == null ? "absent" : type.toString()), "set \"type\": \"layers\"");
        }
        JsonNode ids = rootfs.get("diff_ids");
        if (ids == null || !ids.isArray()) {
            add("OCI-CONFIG-ROOTFS", "$.rootfs.diff_ids", "rootfs.diff_ids must be an array of digests, this is "
                    + (ids == null ? "absent" : kind(ids)), "list each layer's uncompressed digest, in order");
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual() || Digest.tryParse(id.textValue()) == null) {
                add("OCI-CONFIG-ROOTFS", "$.rootfs.diff_ids[" + i + "]", "diff_id " + id + " is not a digest",
                        "use the layer's uncompressed digest, sha256:<64 hex>");
            }
        }
    }

    private void created(JsonNode parent, String at) {
        JsonNode v = present(parent, "created");
        if (v != null && !(v.isTextual() && SpecChecks.isRfc3339(v.textValue()))) {
            findings.add(new LintFinding("OCI-CREATED-FORMAT", Severity.WARNING, null, digest, at, "created " + v
                    + " is not an RFC 3339 date-time", "write e.g. 2024-01-31T12:00:00Z"));
        }
    }

    /** The field, or null when it is absent or JSON null. */
    private static JsonNode present(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** A required string: false (and a type finding when it is there as something else) unless it is one. */
    private boolean requiredString(JsonNode parent, String name, String at) {
        JsonNode v = present(parent, name);
        if (v != null && !v.isTextual()) {
            typeError(at, "a string", v);
        }
        return v != null && v.isTextual();
    }

    private void string(JsonNode parent, String name, String at) {
        JsonNode v = present(parent, name);
        if (v != null && !v.isTextual()) {
            typeError(at, "a string", v);
        }
    }

    private void bool(JsonNode parent, String name, String at) {
        JsonNode v = present(parent, name);
        if (v != null && !v.isBoolean()) {
            typeError(at, "true or false", v);
        }
    }

    /** Whether the field is absent or an array of strings (a finding for each way it is not). */
    private boolean stringArray(JsonNode parent, String name, String at) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return true;
        }
        if (!v.isArray()) {
            typeError(at, "an array of strings", v);
            return false;
        }
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                typeError(at + "[" + i + "]", "a string", v.get(i));
                ok = false;
            }
        }
        return ok;
    }

    /** {@code ExposedPorts} and {@code Volumes}: a set, written as keys mapping to empty objects. */
    private void objectOfObjects(JsonNode parent, String name, String at) {
        JsonNode v = present(parent, name);
        if (v == null || !object(v, at)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                typeError(at + "[" + Text.quote(e.getKey()) + "]", "an object ({})", e.getValue());
            }
        }
    }

    private boolean object(JsonNode v, String at) {
        if (!v.isObject()) {
            typeError(at, "an object", v);
            return false;
        }
        return true;
    }

    private void typeError(String at, String expected, JsonNode actual) {
        add("OCI-CONFIG-FIELD-TYPE", at, at.substring(2) + " must be " + expected + ", this is " + kind(actual),
                "write it as config.md types it");
    }

    private static String kind(JsonNode v) {
        String text = v.toString();
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    private void add(String code, String path, String message, String fix) {
        findings.add(new LintFinding(code, Severity.ERROR, null, digest, path, message, fix));
    }
}
