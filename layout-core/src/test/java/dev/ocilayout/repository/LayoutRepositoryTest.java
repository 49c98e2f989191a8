package dev.ocilayout.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.model.Descriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The everyday verbs, each once, as a library user would write them (README, "Using the library"). */
class LayoutRepositoryTest {
    @TempDir
    Path tmp;

    @Test
    void pushTagResolveCopyAttachGcAndFsckInOneSession() throws Exception {
        Path sbom = Files.writeString(tmp.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        LayoutRepository repo = LayoutRepository.create(tmp.resolve("layout"));
        ArtifactPush.Result pushed = repo.push(ArtifactPush.builder().artifactType("application/spdx+json")
                .file(sbom, "application/spdx+json").build(), "v1");
        repo.tag("v1", "latest");
        assertEquals(List.of("latest", "v1"), repo.tags());
        assertEquals(pushed.manifest().digest(), repo.resolve("latest").digest());
        assertArrayEquals(pushed.raw().bytes(), repo.manifest(pushed.manifest().digest().toString()).bytes());

        Descriptor signature = repo.attach("v1", ArtifactPush.builder().artifactType("application/vnd.example.sig")
                .file(sbom, "application/octet-stream").build());
        assertEquals(List.of(signature.digest()), repo.referrers("v1", null).stream().map(Descriptor::digest).toList());

        LayoutRepository mirror = LayoutRepository.create(tmp.resolve("mirror"));
        TargetCopy.Report r = repo.copyTo("v1", mirror.target(), "v1", TargetCopy.Options.defaults().withReferrers(true));
        assertEquals(1, r.referrers().size());
        assertEquals(repo.resolve("v1").digest(), mirror.resolve("v1").digest());
        assertEquals(1, mirror.referrers("v1", null).size());

        repo.untag("latest");
        assertThrows(NotFoundException.class, () -> repo.resolve("latest"));
        GarbageCollector.Report gc = repo.gc(new GarbageCollector.Policy(false, Duration.ZERO, false));
        assertEquals(List.of(), gc.removed(), "everything is still reachable from v1");
        assertTrue(repo.fsck().clean());
        assertTrue(LayoutRepository.open(tmp.resolve("mirror")).fsck().clean());
    }

    @Test
    void copyFromAnotherTargetTagsHere() throws Exception {
        LayoutRepository a = LayoutRepository.create(tmp.resolve("a"));
        a.push(ArtifactPush.builder().file(Files.writeString(tmp.resolve("f"), "x"), "text/plain").build(), "v1");
        LayoutRepository b = LayoutRepository.create(tmp.resolve("b"));
        b.copyFrom(a.target(), "v1", "copied", TargetCopy.Options.defaults());
        assertEquals(a.resolve("v1").digest(), b.resolve("copied").digest());
    }
}
