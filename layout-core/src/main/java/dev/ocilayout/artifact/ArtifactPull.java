package dev.ocilayout.artifact;

import dev.ocilayout.Layout;
import dev.ocilayout.content.BlobSource;
import dev.ocilayout.content.ManifestSource;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes an artifact's titled layers back as files under a directory, each verified while it streams and
 * put in place by an atomic rename ({@link BlobFiles#writeVerified}). Titles that would leave the directory (absolute, {@code ..}, through a
 * symbolic link) are refused before anything is written.
 */
public final class ArtifactPull {
    private ArtifactPull() {
    }

    /** One file written, or one layer skipped for having no title. */
    public record Entry(Descriptor layer, Path file) {
        public boolean skipped() {
            return file == null;
        }
    }

    public static List<Entry> pull(Layout layout, Descriptor manifestDescriptor, Path outDir, LongConsumer progress)
            throws IOException {
        return pull(new Source() {
            @Override
            public Manifest manifest(Descriptor d) throws IOException {
                return layout.readManifest(d);
            }

            @Override
            public boolean exists(Descriptor blob) throws IOException {
                layout.blobs().size(blob.digest()); // a missing blob fails here, with the layout's message
                return true;
            }

            @Override
            public java.io.InputStream fetch(Descriptor blob) throws IOException {
                return layout.blobs().openVerified(blob);
            }
        }, manifestDescriptor, outDir, layout.options().fs(), progress);
    }

    /** What a pull reads from: a layout, an archive read in place, a registry repository. */
    public interface Source extends BlobSource {
        Manifest manifest(Descriptor d) throws IOException;
    }

    /** The same, from any source whose manifests and blobs the roles give. */
    public static <S extends ManifestSource & BlobSource> List<Entry> pull(S source, Descriptor manifestDescriptor,
                                                                           Path outDir, Fs fs, LongConsumer progress)
            throws IOException {
        return pull(new Source() {
            @Override
            public Manifest manifest(Descriptor d) throws IOException {
                return source.fetchManifest(d).manifest();
            }

            @Override
            public boolean exists(Descriptor blob) throws IOException {
                return source.exists(blob);
            }

            @Override
            public java.io.InputStream fetch(Descriptor blob) throws IOException {
                return source.fetch(blob);
            }
        }, manifestDescriptor, outDir, fs, progress);
    }

    private static List<Entry> pull(Source source, Descriptor manifestDescriptor, Path outDir, Fs fs,
                                    LongConsumer progress) throws IOException {
        Manifest m = source.manifest(manifestDescriptor);
        if (m instanceof ImageIndex) {
            throw Hint.on(new UnsupportedException(manifestDescriptor.digest() + " is an index; pull one of its"
                    + " manifests by digest"), Hint.Kind.CHOOSE_FROM_INDEX);
        }
        ImageManifest manifest = (ImageManifest) m;
        List<Entry> plan = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Descriptor layer : manifest.layers()) {
            String title = layer.annotation(Annotations.TITLE);
            if (title == null) {
                plan.add(new Entry(layer, null));
                continue;
            }
            checkTitle(title);
            if (!seen.add(title)) {
                throw new InvalidContentException("manifest " + manifestDescriptor.digest() + " has two layers titled "
                        + Text.quote(title));
            }
            plan.add(new Entry(layer, outDir.resolve(title).normalize()));
        }
        for (String title : seen) {
            for (String parent = parentOf(title); parent != null; parent = parentOf(parent)) {
                if (seen.contains(parent)) {
                    throw new InvalidContentException("manifest " + manifestDescriptor.digest() + " has layers titled "
                            + Text.quote(parent) + " and " + Text.quote(title) + ": " + Text.quote(parent)
                            + " would be both a file and a folder; nothing was written");
                }
            }
        }
        for (Entry e : plan) {
            if (!e.skipped()) {
                checkParents(fs, outDir, e.file());
                if (!source.exists(e.layer())) { // fail before writing anything when a blob is missing
                    throw new dev.ocilayout.error.NotFoundException("blob " + e.layer().digest() + " ("
                            + Text.quote(e.layer().annotation(Annotations.TITLE)) + ") is not there; nothing was written");
                }
            }
        }
        for (Entry e : plan) {
            if (!e.skipped()) {
                BlobFiles.writeVerified(fs, source, e.layer(), e.file(), progress);
            }
        }
        return plan;
    }

    /** {@code a/b} for {@code a/b/c}; null for a title with no folder. */
    private static String parentOf(String title) {
        int slash = title.lastIndexOf('/');
        return slash > 0 ? title.substring(0, slash) : null;
    }

    /** A title must be a relative path that stays inside the output directory. */
    static void checkTitle(String title) throws InvalidContentException {
        String problem = null;
        if (title == null || title.isEmpty()) {
            problem = "empty";
        } else if (title.startsWith("/") || title.contains("\\") || title.contains("\0")) {
            problem = "must be a relative path without backslashes";
        } else {
            for (String part : title.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    problem = "must not contain empty, '.' or '..' path segments";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new InvalidContentException("unsafe file title " + Text.quote(title) + ": " + problem);
        }
    }

    /** Creates missing parent directories, refusing any existing parent that is not a real directory. */
    private static void checkParents(Fs fs, Path outDir, Path file) throws IOException {
        if (!file.startsWith(outDir.normalize())) {
            throw new InvalidContentException("unsafe file title: " + file + " is outside " + outDir);
        }
        Path rel = outDir.normalize().relativize(file.getParent() == null ? file : file.getParent());
        Path dir = outDir.normalize();
        ensureDirectory(fs, dir);
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            dir = dir.resolve(part);
            ensureDirectory(fs, dir);
        }
        try {
            BasicFileAttributes a = fs.attributes(file);
            if (!a.isRegularFile()) {
                throw new InvalidContentException(file + " exists and is not a regular file; not replacing it");
            }
        } catch (NoSuchFileException e) {
            // fine: a new file
        }
    }

    private static void ensureDirectory(Fs fs, Path dir) throws IOException {
        try {
            BasicFileAttributes a = fs.attributes(dir);
            if (!a.isDirectory()) {
                throw new InvalidContentException(dir + " is not a directory"
                        + (a.isSymbolicLink() ? " (a symbolic link, which this tool never follows)" : ""));
            }
        } catch (NoSuchFileException e) {
            if (dir.getParent() != null) {
                ensureDirectory(fs, dir.getParent());
            }
            fs.createDirectory(dir);
        }
    }
}
