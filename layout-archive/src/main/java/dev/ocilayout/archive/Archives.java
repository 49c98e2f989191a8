package dev.ocilayout.archive;

import dev.ocilayout.LayoutOptions;
import dev.ocilayout.repository.LayoutRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The archive verbs beside {@link LayoutRepository}'s: export a layout (or some of its references) to an
 * archive file that appears only complete, import an archive (OCI or docker-archive; plain, gzip or zstd)
 * into a layout, and open an OCI archive in place as a read-only target to copy from.
 *
 * <pre>{@code
 * LayoutRepository repo = LayoutRepository.open(Path.of("layout"));
 * Archives.export(repo, List.of("v1"), Path.of("app.tar"), LayoutExport.Options.defaults());
 * Archives.importFile(LayoutRepository.create(Path.of("inside")), Path.of("app.tar"), LayoutImport.Options.defaults());
 * ArchiveTarget archive = Archives.open(Path.of("app.tar"));  // indexed in one pass, read in place
 * repo.copyFrom(archive, "v1", "v1", TargetCopy.Options.defaults());
 * }</pre>
 */
public final class Archives {
    private Archives() {
    }

    /**
     * Writes the closures of the given tags or digests (every {@code index.json} entry as it is when the
     * list is empty) into {@code file}, atomically.
     */
    public static LayoutExport.Report export(LayoutRepository repo, List<String> references, Path file,
                                             LayoutExport.Options options) throws IOException {
        if (references.isEmpty()) {
            return ArchiveFile.write(file, sink -> LayoutExport.exportAll(repo.layout(), sink, options, null));
        }
        List<LayoutExport.Root> roots = new ArrayList<>();
        for (String r : references) {
            roots.add(new LayoutExport.Root(repo.resolve(r), r.indexOf(':') >= 0 ? null : r));
        }
        return ArchiveFile.write(file, sink -> LayoutExport.export(repo.layout(), roots, sink, options, null));
    }

    /** Imports an archive file into the layout; nothing is tagged unless every blob is in place. */
    public static LayoutImport.Report importFile(LayoutRepository repo, Path file, LayoutImport.Options options)
            throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return LayoutImport.importArchive(repo.layout(), in, file.toString(), options, null);
        }
    }

    /** An OCI archive read in place (nothing extracted), to copy from or look into. */
    public static ArchiveTarget open(Path file) throws IOException {
        return ArchiveTarget.open(file, LayoutOptions.defaults());
    }
}
