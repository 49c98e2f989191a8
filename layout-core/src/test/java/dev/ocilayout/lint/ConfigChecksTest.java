package dev.ocilayout.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.digest.Digest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An image config, field by field as config.md types it: one valid and one invalid value for each. */
class ConfigChecksTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));
    static final String VALID = """
            {"created":"2024-01-31T12:00:00Z","author":"me","architecture":"arm64","os":"linux",
             "os.version":"10.0","os.features":["win32k"],"variant":"v8",
             "config":{"User":"1000:1000","ExposedPorts":{"8080/tcp":{}},"Env":["PATH=/bin","EMPTY="],
                       "Entrypoint":["/app"],"Cmd":["--serve"],"Volumes":{"/data":{}},"WorkingDir":"/",
                       "Labels":{"a":"b"},"StopSignal":"SIGTERM","ArgsEscaped":false},
             "rootfs":{"type":"layers","diff_ids":["sha256:%s"]},
             "history":[{"created":"2024-01-31T12:00:00Z","author":"me","created_by":"RUN x","comment":"c",
                         "empty_layer":true}]}
            """.formatted("b".repeat(64));

    static List<String> codes(String json) throws Exception {
        return ConfigChecks.check(JSON.readTree(json), DIGEST).stream().map(f -> f.code() + " " + f.path()).toList();
    }

    /** The valid config with the value at {@code path} (a.b for nested) replaced by {@code value}. */
    static String with(String path, String value) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(VALID);
        String[] parts = path.split("\\.(?!version|features)");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (ObjectNode) at.get(parts[i]);
        }
        JsonNode v = JSON.readTree(value);
        at.set(parts[parts.length - 1], v);
        return JSON.writeValueAsString(root);
    }

    @Test
    void everyFieldOfAValidConfigPasses() throws Exception {
        assertEquals(List.of(), codes(VALID));
    }

    @Test
    void nullIsAnAbsentFieldAsGoWritesIt() throws Exception {
        assertEquals(List.of(), codes(with("config", "{\"Env\":null,\"Cmd\":null,\"Entrypoint\":null,\"Volumes\":null,"
                + "\"ExposedPorts\":null,\"Labels\":null}")));
        assertEquals(List.of(), codes(with("history", "null")));
    }

    static Stream<Arguments> fields() {
        return Stream.of(
                Arguments.of("author", "5", "OCI-CONFIG-FIELD-TYPE $.author"),
                Arguments.of("variant", "8", "OCI-CONFIG-FIELD-TYPE $.variant"),
                Arguments.of("os.version", "10", "OCI-CONFIG-FIELD-TYPE $['os.version']"),
                Arguments.of("os.features", "\"win32k\"", "OCI-CONFIG-FIELD-TYPE $['os.features']"),
                Arguments.of("created", "\"yesterday\"", "OCI-CREATED-FORMAT $.created"),
                Arguments.of("config", "[]", "OCI-CONFIG-FIELD-TYPE $.config"),
                Arguments.of("config.User", "1000", "OCI-CONFIG-FIELD-TYPE $.config.User"),
                Arguments.of("config.ExposedPorts", "{\"8080/tcp\":true}", "OCI-CONFIG-FIELD-TYPE $.config.ExposedPorts[\"8080/tcp\"]"),
                Arguments.of("config.Env", "[\"PATH\"]", "OCI-CONFIG-ENV $.config.Env[0]"),
                Arguments.of("config.Env", "[\"=x\"]", "OCI-CONFIG-ENV $.config.Env[0]"),
                Arguments.of("config.Env", "\"PATH=/bin\"", "OCI-CONFIG-FIELD-TYPE $.config.Env"),
                Arguments.of("config.Entrypoint", "\"/app\"", "OCI-CONFIG-FIELD-TYPE $.config.Entrypoint"),
                Arguments.of("config.Cmd", "[1]", "OCI-CONFIG-FIELD-TYPE $.config.Cmd[0]"),
                Arguments.of("config.Volumes", "[\"/data\"]", "OCI-CONFIG-FIELD-TYPE $.config.Volumes"),
                Arguments.of("config.WorkingDir", "[]", "OCI-CONFIG-FIELD-TYPE $.config.WorkingDir"),
                Arguments.of("config.Labels", "{\"a\":1}", "OCI-CONFIG-FIELD-TYPE $.config.Labels[\"a\"]"),
                Arguments.of("config.StopSignal", "15", "OCI-CONFIG-FIELD-TYPE $.config.StopSignal"),
                Arguments.of("config.ArgsEscaped", "\"no\"", "OCI-CONFIG-FIELD-TYPE $.config.ArgsEscaped"),
                Arguments.of("rootfs", "null", "OCI-CONFIG-ROOTFS $.rootfs"),
                Arguments.of("rootfs.type", "\"tarballs\"", "OCI-CONFIG-ROOTFS $.rootfs.type"),
                Arguments.of("rootfs.diff_ids", "[\"not a digest\"]", "OCI-CONFIG-ROOTFS $.rootfs.diff_ids[0]"),
                Arguments.of("history", "{}", "OCI-CONFIG-FIELD-TYPE $.history"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("fields")
    void aFieldOfTheWrongTypeOrFormIsReportedWhereItIs(String path, String value, String expected) throws Exception {
        assertEquals(List.of(expected), codes(with(path, value)));
    }

    @Test
    void aHistoryEntryIsCheckedFieldByField() throws Exception {
        assertEquals(List.of("OCI-CONFIG-FIELD-TYPE $.history[0].created_by", "OCI-CONFIG-FIELD-TYPE $.history[0].empty_layer"),
                codes(with("history", "[{\"created_by\":[\"RUN\"],\"empty_layer\":\"yes\"}]")));
    }

    @Test
    void anOsOfTheWrongTypeIsSaidSoBesideTheMissingPlatform() throws Exception {
        List<LintFinding> f = ConfigChecks.check(JSON.readTree(with("os", "5")), DIGEST);
        assertEquals(List.of("OCI-CONFIG-FIELD-TYPE", "OCI-CONFIG-PLATFORM"), f.stream().map(LintFinding::code).toList());
        assertEquals("os must be a string, this is number 5", f.get(0).message());
    }

    @Test
    void aConfigThatIsNoObjectIsOneFinding() throws Exception {
        assertEquals(List.of("OCI-CONFIG-FIELD-TYPE $"), codes("[1,2]"));
    }
}
