package dev.ocilayout.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.LayoutBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's own limits, against a server that would send more than they allow. */
class RegistryClientTest {
    @TempDir
    Path root;

    @Test
    void aManifestOverTheCapIsRefusedWithoutReadingItAll() throws Exception {
        LayoutOptions generous = LayoutOptions.defaults().withMaxManifestBytes(8 << 20);
        Layout layout = Layout.create(root.resolve("big"), generous);
        String pad = "x".repeat(5 << 20);
        Descriptor config = new LayoutBuilder(layout).blob("{}", MediaType.OCI_EMPTY);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example\",\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\""
                + config.digest() + "\",\"size\":2},\"layers\":[],\"annotations\":{\"pad\":\"" + pad + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor d = layout.blobs().put(manifest, MediaType.OCI_MANIFEST);
        new LayoutBuilder(layout).tag("v1", d);
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0),
                true, 4, generous))) {
            RegistryClient client = new RegistryClient("127.0.0.1:" + server.address().getPort(),
                    new RegistryClient.Options(true, false, Credentials.NONE));
            InvalidContentException e = assertThrows(InvalidContentException.class, () -> client.manifest("big", "v1"));
            assertTrue(e.getMessage().contains("is over 4194304 bytes"), e.getMessage());
            assertEquals(true, client.manifest("big", "nope").isEmpty());
        }
    }
}
