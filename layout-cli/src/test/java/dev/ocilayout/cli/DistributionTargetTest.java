package dev.ocilayout.cli;

import dev.ocilayout.content.Target;
import dev.ocilayout.content.TargetContract;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Target} contract on a repository of Debian's docker-registry (distribution 2.8, a real peer
 * without the referrers API: referrers go under the fallback tag).
 */
class DistributionTargetTest extends TargetContract {
    @TempDir
    Path tmp;
    Distribution registry;
    int n;

    @BeforeEach
    void start() throws Exception {
        registry = Distribution.start(tmp, "");
    }

    @AfterEach
    void stop() throws Exception {
        registry.close();
    }

    @Override
    protected Target target() {
        return new RegistryTarget(new RegistryClient(registry.host(), new RegistryClient.Options(true, false, null)),
                "contract/repo" + n++);
    }
}
