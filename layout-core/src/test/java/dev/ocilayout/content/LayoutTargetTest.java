package dev.ocilayout.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RawManifest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Target} contract on a layout, and what only a layout can show: a blob damaged on disk, staging. */
class LayoutTargetTest extends TargetContract {
    @TempDir
    Path tmp;
    int n;

    @Override
    protected Target target() throws Exception {
        return new LayoutTarget(Layout.create(tmp.resolve("layout-" + n++)));
    }

    @Test
    void aBlobDamagedOnDiskFailsItsFetchAtTheEnd() throws Exception {
        LayoutTarget t = (LayoutTarget) target();
        Descriptor d = blob(LAYER, MediaType.OCI_LAYER);
        t.push(d, bytes(LAYER));
        Files.writeString(t.layout().files().blob(d.digest()), "a layeR");
        assertThrows(IntegrityException.class, () -> {
            try (InputStream in = t.fetch(d)) {
                in.readAllBytes();
            }
        });
    }

    @Test
    void aStagedCopyRecordsReferrersAndTheTagOnlyAtCommit() throws Exception {
        LayoutTarget t = (LayoutTarget) target();
        byte[] subjectBytes = image(t, LAYER);
        Descriptor subject = manifestDescriptor(subjectBytes);
        Staging.Stage stage = t.stage();
        stage.pushManifest(RawManifest.of(subject, subjectBytes));
        byte[] sbom = sbomOf(t, subject);
        stage.pushManifest(RawManifest.of(manifestDescriptor(sbom), sbom));
        byte[] before = Files.readAllBytes(t.layout().files().indexJson());
        assertEquals(List.of(), t.referrers(subject.digest(), null), "nothing recorded before commit");
        stage.commit(subject, "v1");
        assertEquals(subject.digest(), t.resolve("v1").digest());
        assertEquals(1, t.referrers(subject.digest(), null).size());
        assertFalse(Arrays.equals(before, Files.readAllBytes(t.layout().files().indexJson())));
    }

    @Test
    void aCommitRefusesWhenSomethingStagedIsGoneAndChangesNothing() throws Exception {
        LayoutTarget t = (LayoutTarget) target();
        byte[] manifest = image(t, LAYER);
        Descriptor d = manifestDescriptor(manifest);
        Staging.Stage stage = t.stage();
        assertTrue(stage.exists(blob(LAYER, MediaType.OCI_LAYER)));
        stage.pushManifest(RawManifest.of(d, manifest));
        Files.delete(t.layout().files().blob(blob(LAYER, MediaType.OCI_LAYER).digest()));
        byte[] before = Files.readAllBytes(t.layout().files().indexJson());
        assertThrows(NotFoundException.class, () -> stage.commit(d, "v1"));
        assertArrayEquals(before, Files.readAllBytes(t.layout().files().indexJson()));
    }

    @Test
    void anUntaggedCommitKeepsTheRootInIndexJson() throws Exception {
        LayoutTarget t = (LayoutTarget) target();
        byte[] manifest = image(t, LAYER);
        Descriptor d = manifestDescriptor(manifest);
        Staging.Stage stage = t.stage();
        stage.pushManifest(RawManifest.of(d, manifest));
        stage.commit(d, null);
        assertEquals(List.of(d.digest()), t.layout().index().read().manifests().stream().map(Descriptor::digest).toList());
        assertEquals(List.of(), t.tags());
    }
}
