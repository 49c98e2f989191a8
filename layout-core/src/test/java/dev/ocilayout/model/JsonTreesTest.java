package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.digest.Digest;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTreesTest {
    private static final Descriptor DESCRIPTOR = new Descriptor("application/vnd.oci.image.manifest.v1+json",
            Digest.parse("sha256:" + "a".repeat(64)), 1234, null, Map.of("org.example.k", "v \"quoted\" é"), null,
            null, "application/spdx+json", Map.of("x-unknown", "{\"n\":[1,\"two\",true,null]}"));

    @Test
    void printsWhatTheMapperPrinted() throws Exception {
        ObjectNode tree = JsonNodeFactory.instance.objectNode().put("s", "a\u00e9\n\"").put("i", 7)
                .put("l", 1L << 40).put("b", false).putNull("n");
        tree.put("big", new BigInteger("123456789012345678901234567890"));
        tree.putArray("empty");
        tree.putObject("none");
        tree.putArray("list").add(1).add("two").addObject().put("three", 3);
        tree.set("descriptor", JsonTrees.readOwnObject(ModelJson.toBytes(DESCRIPTOR)));
        String mapper = ModelJson.mapper().writer(new DefaultPrettyPrinter(
                Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))).writeValueAsString(tree);

        assertEquals(mapper, JsonTrees.pretty(tree));
    }

    @Test
    void readsItsOwnDescriptorAsTheMapperDoes() throws Exception {
        byte[] json = ModelJson.toBytes(DESCRIPTOR);

        assertEquals(ModelJson.mapper().readTree(json), JsonTrees.readOwnObject(json));
    }

    @Test
    void keepsDecimalsAsWritten() {
        // the mapper would print 2.5: it reads decimals as doubles
        ObjectNode o = JsonTrees.readOwnObject("{\"d\":2.50}".getBytes());

        assertEquals("{\n  \"d\": 2.50\n}", JsonTrees.pretty(o));
    }

    @Test
    void refusesAnythingButAnObject() {
        assertThrows(IllegalArgumentException.class, () -> JsonTrees.readOwnObject("[1]".getBytes()));
    }

    @Test
    void refusesValuesThatAreNotJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().putPOJO("p", new Object());

        assertThrows(IllegalArgumentException.class, () -> JsonTrees.pretty(o));
    }
}
