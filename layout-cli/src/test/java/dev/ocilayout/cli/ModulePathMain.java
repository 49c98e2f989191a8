package dev.ocilayout.cli;

import dev.ocilayout.archive.Archives;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.repository.LayoutRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link ModulePathTest} with layout-core and layout-archive on the module path: a library user's
 * program. Prints one line per step.
 */
public final class ModulePathMain {
    private ModulePathMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LayoutRepository repo = LayoutRepository.create(dir.resolve("layout"));
        repo.push(ArtifactPush.builder().file(Files.writeString(dir.resolve("f.txt"), "hi"), "text/plain").build(), "v1");
        System.out.println("module " + LayoutRepository.class.getModule().getName());
        Path tar = dir.resolve("v1.tar");
        Archives.export(repo, List.of("v1"), tar, LayoutExport.Options.defaults());
        System.out.println("archive module " + Archives.class.getModule().getName());
        LayoutRepository back = LayoutRepository.create(dir.resolve("back"));
        Archives.importFile(back, tar, LayoutImport.Options.defaults());
        System.out.println("imported " + back.resolve("v1").digest().equals(repo.resolve("v1").digest()));
        // an error whose message the archive module builds with core's internal helper
        Path bad = Path.of(args[1]);
        try {
            Archives.importFile(back, bad, LayoutImport.Options.defaults());
        } catch (Exception | Error e) {
            System.out.println("bad archive " + e.getClass().getSimpleName());
        }
        try {
            Class.forName("dev.ocilayout.text.Text").getMethod("quote", String.class).invoke(null, "x");
            System.out.println("internal open");
        } catch (IllegalAccessException e) {
            System.out.println("internal hidden");
        }
    }
}
