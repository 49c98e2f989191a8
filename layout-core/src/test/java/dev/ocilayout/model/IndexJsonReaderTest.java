package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming index.json reader and the tree reader used for index blobs agree on every index in testdata. */
class IndexJsonReaderTest {
    static List<Path> indexes() throws IOException {
        try (Stream<Path> s = Files.walk(TestData.dir())) {
            return s.filter(p -> p.getFileName().toString().equals("index.json")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("indexes")
    void streamingAndTreeReadersAgree(Path indexJson) throws IOException {
        byte[] bytes = Files.readAllBytes(indexJson);
        ImageIndex streamed = ModelJson.parseIndex(bytes, "index.json");
        ImageIndex tree = (ImageIndex) ModelJson.parseManifest(bytes, MediaType.OCI_INDEX, "index.json");
        assertEquals(tree, streamed);
        assertEquals(streamed, ModelJson.parseIndex(ModelJson.toBytes(streamed, true), "index.json"), "round trip");
    }
}
