package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriptorTest {
    static final Descriptor D = Descriptor.of(MediaType.OCI_MANIFEST, Digest.EMPTY_JSON, 2);

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Descriptor.of("a/b", Digest.EMPTY_JSON, -1));
    }

    @Test
    void optionalFieldsDefaultToEmptyNotNull() {
        assertEquals(List.of(), D.urls());
        assertEquals(Map.of(), D.annotations());
        assertEquals(Map.of(), D.extensions());
        assertNull(D.refName());
        assertNull(D.decodedData());
    }

    @Test
    void withersReturnNewValuesAndKeepAnnotationOrder() {
        Descriptor a = D.withAnnotation("z", "1").withAnnotation("a", "2").withAnnotation(Annotations.REF_NAME, "v1");
        assertEquals(List.of("z", "a", Annotations.REF_NAME), List.copyOf(a.annotations().keySet()));
        assertEquals("v1", a.refName());
        assertFalse(a.withoutAnnotation(Annotations.REF_NAME).annotations().containsKey(Annotations.REF_NAME));
        assertSame(D, D.withoutAnnotation("absent"));
        assertEquals(Map.of(), D.annotations(), "the original is unchanged");
    }

    @Test
    void annotationsAreCopiedDefensively() {
        Map<String, String> m = new LinkedHashMap<>(Map.of("k", "v"));
        Descriptor d = D.withAnnotations(m);
        m.put("x", "y");
        assertEquals(Map.of("k", "v"), d.annotations());
        assertThrows(UnsupportedOperationException.class, () -> d.annotations().put("a", "b"));
    }

    @Test
    void embeddedDataIsBase64() {
        Descriptor d = D.withData(new byte[] {'{', '}'});
        assertEquals("e30=", d.data());
        assertArrayEquals(new byte[] {'{', '}'}, d.decodedData());
    }

    @Test
    void sameContentComparesMediaTypeDigestAndSizeOnly() {
        assertTrue(D.sameContent(D.withAnnotation("k", "v").withArtifactType("a/b")));
        assertFalse(D.sameContent(Descriptor.of(MediaType.OCI_INDEX, Digest.EMPTY_JSON, 2)));
        assertFalse(D.sameContent(null));
    }

    @Test
    void platformsParseAndPrintAsOsArchVariant() {
        assertEquals("linux/arm64/v8", Platform.parse("linux/arm64/v8").toString());
        assertEquals("linux/amd64", Platform.parse("linux/amd64").toString());
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux"));
        assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux//v7"));
    }
}
