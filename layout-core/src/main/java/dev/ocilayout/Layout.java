package dev.ocilayout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Reference;
import dev.ocilayout.store.AtomicWriter;
import dev.ocilayout.store.BlobStore;
import dev.ocilayout.store.IndexStore;
import dev.ocilayout.store.LayoutFiles;
import dev.ocilayout.store.LayoutLock;
import dev.ocilayout.store.Tags;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An OCI Image Layout on disk, treated as an offline repository: {@code oci-layout}, {@code index.json}
 * and {@code blobs/<alg>/<encoded>}. Works on any {@link Path}, including in-memory file systems.
 *
 * <pre>{@code
 * Layout layout = Layout.create(Path.of("out"));
 * Descriptor d = layout.blobs().put(Files.newInputStream(file), "application/octet-stream", null);
 * layout.index().update(index -> Tags.tag(index, "v1", manifest));
 * Descriptor v1 = layout.resolve("v1");
 * }</pre>
 */
public final class Layout {
    /** The only {@code imageLayoutVersion} of the image-spec. */
    public static final String LAYOUT_VERSION = "1.0.0";
    private static final byte[] OCI_LAYOUT_BYTES =
            "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_OCI_LAYOUT_BYTES = 64 * 1024;

    private final Path root;
    private final LayoutOptions options;
    private final LayoutFiles files;
    private final LayoutLock lock;
    private final BlobStore blobs;
    private final IndexStore index;

    private Layout(Path root, LayoutOptions options) {
        this.root = root;
        this.options = options;
        this.files = new LayoutFiles(root);
        this.lock = new LayoutLock(options.fs(), root, options.lockTimeout());
        this.blobs = new BlobStore(options.fs(), files);
        this.index = new IndexStore(options.fs(), files, lock, options.maxIndexBytes());
    }

    /** Opens an existing layout, checking {@code oci-layout}, {@code index.json} and {@code blobs/}. */
    public static Layout open(Path root) throws IOException {
        return open(root, LayoutOptions.defaults());
    }

    public static Layout open(Path root, LayoutOptions options) throws IOException {
        Fs fs = options.fs();
        try {
            if (!fs.attributes(root).isDirectory() && !isDirectoryLink(root)) {
                throw new InvalidLayoutException(root + " is not a directory");
            }
        } catch (NoSuchFileException e) {
            throw Hint.on(new NotFoundException("layout " + root + " does not exist"), Hint.Kind.CREATE_LAYOUT,
                    root.toString());
        }
        Layout layout = new Layout(root, options);
        layout.checkVersion(true);
        layout.checkBlobsDirectory(false);
        layout.index.read();
        return layout;
    }

    /**
     * Creates a layout, or opens it when one is already there (idempotent and safe against concurrent
     * creators: everything happens under the layout lock, each file written atomically). An existing
     * {@code index.json} or {@code oci-layout} is validated, never overwritten.
     */
    public static Layout create(Path root) throws IOException {
        return create(root, LayoutOptions.defaults());
    }

    public static Layout create(Path root, LayoutOptions options) throws IOException {
        Fs fs = options.fs();
        createDirectories(fs, root.toAbsolutePath());
        Layout layout = new Layout(root, options);
        try (LayoutLock.Held held = layout.lock.acquire()) {
            boolean header = layout.checkVersion(false);
            layout.checkBlobsDirectory(true);
            if (exists(fs, layout.files.indexJson())) {
                layout.index.read(); // validate; an existing index is never overwritten
            } else {
                layout.writeFile(layout.files.indexJson(), ModelJson.toBytes(ImageIndex.empty(), true));
            }
            if (!header) {
                // last: a directory with oci-layout is a complete layout, whenever a crash interrupts init
                layout.writeFile(layout.files.ociLayout(), OCI_LAYOUT_BYTES);
            }
            fs.syncDirectory(root);
        }
        return layout;
    }

    public Path root() {
        return root;
    }

    public LayoutOptions options() {
        return options;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public IndexStore index() {
        return index;
    }

    public LayoutFiles files() {
        return files;
    }

    /** Takes the layout's exclusive lock (waiting up to the lock timeout); reentrant within a thread. */
    public LayoutLock.Held lock() throws IOException {
        return lock.acquire();
    }

    /**
     * Resolves a tag or a digest to a descriptor: a tag through {@code index.json}; a digest through the
     * {@code index.json} entry that lists it, else through the blob itself when it is only in {@code blobs/}.
     */
    public Descriptor resolve(Reference ref) throws IOException {
        if (ref.digest() != null) {
            return resolve(ref.digest());
        }
        if (ref.tag() != null) {
            return resolveTag(ref.tag());
        }
        throw new NotFoundException("reference " + ref + " names no tag or digest");
    }

    /** Resolves a tag. */
    public Descriptor resolveTag(String tag) throws IOException {
        ImageIndex current = index.read();
        List<Descriptor> named = Tags.entries(current, tag);
        if (named.isEmpty()) {
            List<String> known = Tags.list(current).stream().map(Tags.Tag::name).limit(10).toList();
            throw new NotFoundException("tag " + Text.quote(tag) + " not found in " + root
                    + (known.isEmpty() ? " (it has no tags)" : " (tags: " + String.join(", ", known)
                    + (Tags.list(current).size() > known.size() ? ", ..." : "") + ")"));
        }
        Descriptor last = named.get(named.size() - 1);
        if (named.stream().anyMatch(d -> !d.digest().equals(last.digest()))) {
            throw Hint.on(new InvalidLayoutException(root + ": tag " + Text.quote(tag) + " names "
                    + named.stream().map(d -> d.digest().toString()).distinct().collect(Collectors.joining(", "))
                    + " at once"), Hint.Kind.RETAG_ONE, root.toString(), tag);
        }
        return last;
    }

    /** Resolves a digest (see {@link #resolve(Reference)}). */
    public Descriptor resolve(Digest digest) throws IOException {
        for (Descriptor d : index.read().manifests()) {
            if (d.digest().equals(digest)) {
                return d;
            }
        }
        long size = blobs.size(digest);
        return Descriptor.of(sniffMediaType(digest, size), digest, size);
    }

    /** Reads and verifies a manifest or index blob (bounded by the manifest size cap). */
    public byte[] readManifestBytes(Descriptor d) throws IOException {
        return blobs.read(d, options.maxManifestBytes());
    }

    /** Reads, verifies and parses a manifest or index. */
    public Manifest readManifest(Descriptor d) throws IOException {
        return ModelJson.parseManifest(readManifestBytes(d), d.mediaType(), "manifest " + d.digest());
    }

    // ------------------------------------------------------------------ internals

    private String sniffMediaType(Digest digest, long size) {
        if (size > options.maxManifestBytes() || size == 0) {
            return MediaType.OCTET_STREAM;
        }
        try (InputStream in = blobs.open(digest)) {
            byte[] bytes = in.readNBytes((int) size);
            JsonNode node = ModelJson.readObject(bytes, digest.toString());
            JsonNode mt = node.get("mediaType");
            if (mt != null && mt.isTextual()) {
                return mt.textValue();
            }
            if (node.has("manifests")) {
                return MediaType.OCI_INDEX;
            }
            if (node.has("config") || node.has("layers")) {
                return MediaType.OCI_MANIFEST;
            }
        } catch (IOException e) {
            // not JSON: an opaque blob
        }
        return MediaType.OCTET_STREAM;
    }

    /** Returns false when {@code oci-layout} is absent (and {@code mustExist} is false). */
    private boolean checkVersion(boolean mustExist) throws IOException {
        Path p = files.ociLayout();
        Fs fs = options.fs();
        BasicFileAttributes a;
        try {
            a = fs.attributes(p);
        } catch (NoSuchFileException e) {
            if (mustExist) {
                throw Hint.on(new InvalidLayoutException(root + " is not an OCI layout: oci-layout is missing"),
                        Hint.Kind.CREATE_LAYOUT, root.toString());
            }
            return false;
        }
        if (!a.isRegularFile() || a.size() > MAX_OCI_LAYOUT_BYTES) {
            throw new InvalidLayoutException(root + ": oci-layout is not a regular file of at most "
                    + MAX_OCI_LAYOUT_BYTES + " bytes");
        }
        byte[] bytes;
        try (FileChannel ch = fs.openRead(p); InputStream in = Channels.newInputStream(ch)) {
            bytes = in.readNBytes(MAX_OCI_LAYOUT_BYTES);
        }
        checkLayoutHeader(bytes, root.resolve("oci-layout").toString());
        return true;
    }

    /**
     * Checks the bytes of an {@code oci-layout} file (read from {@code where}): a JSON object whose
     * {@code imageLayoutVersion} is the one this tool reads.
     */
    public static void checkLayoutHeader(byte[] bytes, String where) throws InvalidLayoutException {
        String version;
        try {
            version = ModelJson.layoutVersion(bytes, where);
        } catch (InvalidContentException e) {
            throw new InvalidLayoutException(e.getMessage(), e);
        }
        if (version == null) {
            throw new InvalidLayoutException(where + " has no imageLayoutVersion string");
        }
        if (!LAYOUT_VERSION.equals(version)) {
            throw new InvalidLayoutException(where + ": unsupported imageLayoutVersion "
                    + Text.quote(version) + " (this tool reads " + LAYOUT_VERSION + ")");
        }
    }

    private void checkBlobsDirectory(boolean create) throws IOException {
        Path blobsDir = files.blobs();
        try {
            BasicFileAttributes a = options.fs().attributes(blobsDir);
            if (!a.isDirectory()) {
                throw new InvalidLayoutException(root + ": blobs is not a directory"
                        + (a.isSymbolicLink() ? " (a symbolic link, which this tool never follows)" : ""));
            }
        } catch (NoSuchFileException e) {
            if (!create) {
                throw new InvalidLayoutException(root + " is not a valid OCI layout: the blobs directory is missing");
            }
            options.fs().createDirectory(blobsDir);
        }
    }

    private void writeFile(Path target, byte[] bytes) throws IOException {
        new AtomicWriter(options.fs(), files).replace(target, bytes);
    }

    private static boolean exists(Fs fs, Path p) throws IOException {
        try {
            fs.attributes(p);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static void createDirectories(Fs fs, Path dir) throws IOException {
        try {
            BasicFileAttributes a = fs.attributes(dir);
            if (a.isDirectory() || isDirectoryLink(dir)) {
                return;
            }
            throw new InvalidLayoutException(dir + " exists and is not a directory");
        } catch (NoSuchFileException e) {
            if (dir.getParent() != null) {
                createDirectories(fs, dir.getParent());
            }
            fs.createDirectory(dir);
        }
    }

    /** The layout root itself may be a link the user chose (only links inside the layout are refused). */
    private static boolean isDirectoryLink(Path p) {
        return java.nio.file.Files.isSymbolicLink(p) && java.nio.file.Files.isDirectory(p);
    }
}
