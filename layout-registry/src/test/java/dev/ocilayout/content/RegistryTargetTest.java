package dev.ocilayout.content;

import dev.ocilayout.LayoutOptions;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryTarget;
import dev.ocilayout.serve.RegistryServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Target} contract on a registry repository: our client against our server, over HTTP. */
class RegistryTargetTest extends TargetContract {
    @TempDir
    Path root;
    RegistryServer server;
    int n;

    @BeforeEach
    void start() throws Exception {
        server = RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), false, 8,
                LayoutOptions.defaults()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Override
    protected Target target() {
        RegistryClient client = new RegistryClient("127.0.0.1:" + server.address().getPort(),
                new RegistryClient.Options(true, false, null));
        return new RegistryTarget(client, "contract/repo" + n++);
    }
}
