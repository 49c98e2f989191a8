package dev.ocilayout.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.repository.LayoutRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive verbs as a library user writes them: export, read in place and copy from, import. */
class ArchivesTest {
    @TempDir
    Path tmp;

    @Test
    void anExportedArchiveIsReadInPlaceAndImportedWithTheSameContent() throws Exception {
        LayoutRepository repo = LayoutRepository.create(tmp.resolve("layout"));
        repo.push(ArtifactPush.builder().file(Files.writeString(tmp.resolve("f.txt"), "hello"), "text/plain").build(), "v1");
        Path tar = tmp.resolve("app.tar");
        LayoutExport.Report exported = Archives.export(repo, List.of("v1"), tar, LayoutExport.Options.defaults());
        assertEquals(3, exported.blobs());

        ArchiveTarget archive = Archives.open(tar);
        assertEquals(List.of("v1"), archive.tags());
        LayoutRepository copied = LayoutRepository.create(tmp.resolve("copied"));
        copied.copyFrom(archive, "v1", "v1", TargetCopy.Options.defaults());
        assertEquals(repo.resolve("v1").digest(), copied.resolve("v1").digest());

        LayoutRepository imported = LayoutRepository.create(tmp.resolve("imported"));
        LayoutImport.Report r = Archives.importFile(imported, tar, LayoutImport.Options.defaults());
        assertEquals(1, r.images().size());
        assertEquals(repo.resolve("v1").digest(), imported.resolve("v1").digest());
        assertTrue(imported.fsck().clean());
    }

    @Test
    void anEmptyListExportsTheWholeLayout() throws Exception {
        LayoutRepository repo = LayoutRepository.create(tmp.resolve("layout"));
        repo.push(ArtifactPush.builder().file(Files.writeString(tmp.resolve("a"), "a"), "text/plain").build(), "a");
        repo.push(ArtifactPush.builder().file(Files.writeString(tmp.resolve("b"), "b"), "text/plain").build(), "b");
        Path tar = tmp.resolve("all.tar");
        Archives.export(repo, List.of(), tar, LayoutExport.Options.defaults());
        assertEquals(List.of("a", "b"), Archives.open(tar).tags());
    }
}
