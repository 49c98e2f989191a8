package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.content.Target;
import dev.ocilayout.content.TargetContract;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

    @Test
    void aFallbackTagThatHoldsNoIndexIsNeverOverwritten() throws Exception {
        Target t = target();
        byte[] subjectBytes = image(t, LAYER);
        Descriptor subject = manifestDescriptor(subjectBytes);
        t.pushManifest(RawManifest.of(subject, subjectBytes));
        byte[] other = image(t, "another layer");
        Descriptor squatter = manifestDescriptor(other);
        t.pushManifest(RawManifest.of(squatter, other));
        String fallback = ReferrerKeys.fallbackTag(subject.digest());
        t.tag(squatter, fallback);
        byte[] referrer = sbomOf(t, subject);
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> t.pushManifest(RawManifest.of(manifestDescriptor(referrer), referrer)));
        assertTrue(e.getMessage().contains("cannot be read, so it is not rewritten"), e.getMessage());
        assertEquals(squatter.digest(), t.resolve(fallback).digest(), "what the tag named is left as it was");
    }
}
