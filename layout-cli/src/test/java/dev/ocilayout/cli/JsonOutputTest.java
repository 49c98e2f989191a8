package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's {@code --format json} against the README's table of fields: the document parses, has the
 * shape the table says (an object, or an array of objects), every field the table requires, and no field it
 * does not name. The table is read from the README itself, so the two cannot drift apart.
 */
class JsonOutputTest {
    @TempDir
    Path tmp;

    /** A README row: the shape and the fields, those marked '?' optional. */
    record Row(boolean array, Set<String> required, Set<String> optional) {
    }

    static Map<String, Row> readmeTable() throws Exception {
        String readme = Files.readString(TestData.dir().getParent().resolve("README.md"));
        int start = readme.indexOf("### JSON output");
        String section = readme.substring(start, readme.indexOf("\n### ", start + 1));
        Map<String, Row> rows = new LinkedHashMap<>();
        Pattern code = Pattern.compile("`([^`]+)`");
        for (String line : section.lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length < 4 || !cells[1].trim().startsWith("`")) {
                continue;
            }
            Set<String> required = new TreeSet<>();
            Set<String> optional = new TreeSet<>();
            Matcher f = code.matcher(cells[3].replaceAll("\\([^)]*\\)", "")); // top-level fields only
            while (f.find()) {
                String name = f.group(1);
                (name.endsWith("?") ? optional : required).add(name.replace("?", ""));
            }
            Row row = new Row(cells[2].trim().startsWith("array"), required, optional);
            Matcher c = code.matcher(cells[1]);
            while (c.find()) {
                rows.put(c.group(1).replace(" -o FILE", ""), row);
            }
        }
        return rows;
    }

    /** Commands whose output needs a registry to make: checked against the same table by {@code MirrorTest}. */
    static final Set<String> NEEDS_A_REGISTRY = Set.of("mirror", "mirror push");

    /** How a command's JSON differs from its README row: shape, missing fields, fields the row does not name. */
    static List<String> differences(String command, String output, Row row) throws Exception {
        List<String> wrong = new ArrayList<>();
        JsonNode doc = ModelJson.mapper().readTree(output);
        assertTrue(output.startsWith(row.array() ? "[\n" : "{\n"), command + " pretty-prints: " + output);
        List<JsonNode> objects = new ArrayList<>();
        if (row.array()) {
            assertTrue(doc.isArray() && !doc.isEmpty(), command + " prints a non-empty array: " + doc);
            doc.forEach(objects::add);
        } else {
            assertTrue(doc.isObject(), command + " prints an object: " + doc);
            objects.add(doc);
        }
        for (JsonNode o : objects) {
            Set<String> fields = new TreeSet<>();
            o.fieldNames().forEachRemaining(fields::add);
            Set<String> missing = new TreeSet<>(row.required());
            missing.removeAll(fields);
            Set<String> unlisted = new TreeSet<>(fields);
            unlisted.removeAll(row.required());
            unlisted.removeAll(row.optional());
            if (!missing.isEmpty() || !unlisted.isEmpty()) {
                wrong.add(command + ": missing " + missing + ", not in the README " + unlisted);
            }
        }
        return wrong;
    }

    private String run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--format", "json"));
        Cli.Result r = Cli.run(all.toArray(String[]::new));
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
        return r.out();
    }

    @Test
    void everyCommandPrintsTheFieldsTheReadmeLists() throws Exception {
        Path l = TestData.copy("example-layout", tmp.resolve("l"));
        Path file = Files.writeString(tmp.resolve("f.txt"), "file\n");
        String v1 = Cli.run("resolve", l + ":v1").out().trim();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("init", run("init", tmp.resolve("new").toString()));
        outputs.put("tags", run("tags", l.toString()));
        outputs.put("resolve", run("resolve", l + ":v1"));
        outputs.put("push", run("push", l + ":p1", file + ":text/plain"));
        outputs.put("blob put", run("blob", "put", l.toString(), file.toString()));
        outputs.put("attach", run("attach", l + ":v1", file + ":text/plain", "--artifact-type", "application/x"));
        outputs.put("tag", run("tag", l + ":v1", "t2"));
        outputs.put("untag", run("untag", l + ":t2"));
        String referrer = ModelJson.mapper().readTree(run("discover", l + ":v1")).get("manifests").get(0).get("digest").asText();
        outputs.put("detach", run("detach", l + "@" + referrer));
        outputs.put("tree", run("tree", l.toString()));
        outputs.put("discover", run("discover", l + ":v1"));
        outputs.put("lint", run("lint", l + ":v1"));
        outputs.put("fsck", run("fsck", l.toString()));
        outputs.put("blobs", run("blobs", l.toString()));
        outputs.put("blob get", run("blob", "get", l + "@" + v1, "-o", tmp.resolve("m.json").toString()));
        outputs.put("pull", run("pull", l + ":p1", "-o", tmp.resolve("pulled").toString()));
        outputs.put("copy", run("copy", l + ":v1", tmp.resolve("c").toString()));
        outputs.put("export", run("export", l + ":v1", "-o", tmp.resolve("e.tar").toString()));
        outputs.put("import", run("import", tmp.resolve("e.tar").toString(), tmp.resolve("i").toString()));
        outputs.put("gc", run("gc", l.toString(), "--dry-run"));
        outputs.put("referrers detect", run("referrers", "detect", l.toString()));
        outputs.put("referrers convert", run("referrers", "convert", l.toString(), "--to", "fallback-tag"));

        outputs.put("key generate", run("key", "generate", "-o", tmp.resolve("k").toString()));
        outputs.put("sign", run("sign", l + ":v1", "--key", tmp.resolve("k.key").toString()));
        outputs.put("verify", run("verify", l + ":v1", "--key", tmp.resolve("k.pub").toString()));
        run("sign", l + ":p1", "--key", tmp.resolve("k.key").toString()); // every image signed: verify DIR exits 0
        outputs.put("verify DIR", run("verify", l.toString(), "--key", tmp.resolve("k.pub").toString()));
        outputs.put("attest", run("attest", l + ":v1", "--key", tmp.resolve("k.key").toString(), "--predicate",
                TestData.dir().resolve("files/sbom.spdx.json").toString(), "--type", "spdx"));
        outputs.put("mirror export", run("mirror", "export", l.toString(), "-o", tmp.resolve("carried").toString()));
        outputs.put("mirror import", run("mirror", "import", tmp.resolve("carried").toString(), tmp.resolve("s").toString()));

        Map<String, Row> table = readmeTable();
        Set<String> listed = new TreeSet<>(table.keySet());
        listed.removeAll(NEEDS_A_REGISTRY);
        assertEquals(new TreeSet<>(outputs.keySet()), listed, "the README lists these commands");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            wrong.addAll(differences(e.getKey(), e.getValue(), table.get(e.getKey())));
        }
        assertEquals(List.of(), wrong, "outputs that differ from the README's table");
    }
}
