package dev.ocilayout.serve;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The repositories a server offers: every layout under a root folder, named by its path below the root
 * ({@code ROOT/team/app} is {@code team/app}); or, when the root is itself a layout, that one layout's
 * repositories: its plain tags under its folder's name, its full names ({@code localhost/bimg:2}) under
 * theirs ({@code localhost/bimg}). A push to a new name creates its layout, or with one layout served a new
 * named repository in it.
 */
final class Repositories {

    private final Path root;
    private final LayoutOptions options;
    private final String singleName;
    private final Map<String, Layout> open = new ConcurrentHashMap<>();

    Repositories(Path root, LayoutOptions options) {
        this.root = root;
        this.options = options;
        this.singleName = isLayout(root) ? nameOf(root) : null;
    }

    /** A folder name made into a repository name: lowercase, other characters as '-'. */
    static String nameOf(Path folder) {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        String n = (name == null ? "layout" : name.toString()).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return n.isEmpty() ? "layout" : n;
    }

    /**
     * The names a layout's own entries take. No component of a repository name may be one, anywhere, so no
     * name can address, create or block anything of a layout's: {@code team/app/blobs} would make a layout
     * inside {@code team/app}'s blob store, {@code trap/oci-layout} a folder where {@code trap}'s header goes.
     * ({@code .lock} and the {@code .tmp} files cannot be components: the grammar starts a component with
     * a letter or digit.)
     */
    static final Set<String> RESERVED = Set.of("blobs", "ingest", "index.json", "oci-layout");

    /**
     * A repository as served: the layout that holds it and which of its repositories it is (the unnamed one of
     * plain tags, or a named one of full names, when one layout is served whole).
     */
    record Repository(String name, Layout layout, RepositoryScope scope) {
    }

    /** The layout of {@code name}; null when there is none and {@code create} is false. */
    Layout get(String name, boolean create) throws IOException {
        Repository r = repository(name, create);
        return r == null ? null : r.layout();
    }

    /**
     * The repository {@code name}; null when there is none and {@code create} is false. When the root is one
     * layout, its plain tags are the repository named for its folder, and each full name it holds
     * ({@code localhost/bimg:2}) is a tag of that name's repository ({@code localhost/bimg}); a push to a new
     * name with a '/' adds that repository to the layout (spec-notes/repositories.md).
     */
    Repository repository(String name, boolean create) throws IOException {
        validate(name);
        if (singleName == null) {
            Layout layout = layoutAt(name, create);
            return layout == null ? null : new Repository(name, layout, RepositoryScope.UNNAMED);
        }
        if (name.equals(singleName)) {
            return new Repository(name, layoutAt(singleName, false), RepositoryScope.UNNAMED);
        }
        if (name.indexOf('/') < 0) {
            if (create) {
                throw new RegistryError(403, "DENIED", "this server serves one layout, as " + singleName
                        + " and the repositories of the full names it holds (a name with a '/')");
            }
            return null;
        }
        RepositoryScope scope;
        try {
            scope = RepositoryScope.of(name);
        } catch (IllegalArgumentException e) {
            throw RegistryError.nameInvalid(name, "not a name a layout can hold as a full name");
        }
        Layout layout = layoutAt(singleName, false);
        if (!create && !RepositoryScope.named(layout.index().read()).contains(name)) {
            return null;
        }
        return new Repository(name, layout, scope);
    }

    /** The layout of a folder below the root (the root itself, served alone); null when absent and not created. */
    private Layout layoutAt(String name, boolean create) throws IOException {
        Layout cached = open.get(name);
        if (cached != null) {
            return cached;
        }
        Path dir;
        if (singleName != null) {
            dir = root;
        } else {
            dir = create ? null : folder(name, false);
            if (dir == null && !create) {
                return null;
            }
        }
        synchronized (this) {
            cached = open.get(name);
            if (cached != null) {
                return cached;
            }
            if (dir == null) {
                dir = folder(name, true); // under the monitor: a layout another push is creating is not yet one
            }
            Layout layout;
            if (isLayout(dir)) {
                layout = Layout.open(dir, options);
            } else if (create) {
                layout = Layout.create(dir, options);
            } else {
                return null;
            }
            open.put(name, layout);
            return layout;
        }
    }

    /**
     * Whether the repository's folder has anything in {@code ingest/}, looked at without opening the layout
     * (start-up cleans only those, so a root of many layouts is not read whole before the first request).
     */
    boolean hasIngestFiles(String name) throws IOException {
        Path dir = singleName != null ? root : folder(name, false);
        if (dir == null || !Files.isDirectory(dir.resolve("ingest"), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.resolve("ingest"))) {
            return entries.iterator().hasNext();
        }
    }

    /** An existing repository; {@code NAME_UNKNOWN} when there is none. */
    Repository existing(String name) throws IOException {
        Repository r = repository(name, false);
        if (r == null) {
            throw RegistryError.nameUnknown(name);
        }
        return r;
    }

    /** The distribution-spec grammar, the length limit, and no reserved component. */
    static void validate(String name) {
        if (name.length() > 255) {
            throw RegistryError.nameInvalid(name, "longer than 255 characters");
        }
        if (!Address.isRepositoryName(name)) {
            throw RegistryError.nameInvalid(name, "not of the form [a-z0-9]+([._-][a-z0-9]+)*(/...)*");
        }
        for (String component : name.split("/")) {
            if (RESERVED.contains(component)) {
                throw RegistryError.nameInvalid(name, "its component " + component + " is the name of a layout's own"
                        + " content (reserved: blobs, ingest, index.json, oci-layout)");
            }
        }
    }

    /**
     * The folder of a repository, walked component by component without following links. Once the walk is
     * inside a layout, each step must be a layout or a folder holding only folders (one made for nested
     * repositories): anything else there is that layout's own content, never a repository's. Null when the
     * repository does not exist (and is not to be created).
     */
    private Path folder(String name, boolean create) throws IOException {
        Path dir = root;
        boolean withinLayout = false;
        for (String component : name.split("/")) {
            withinLayout |= isLayout(dir);
            Path next = dir.resolve(component);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException absent) {
                return create ? root.resolve(name) : null;
            }
            String at = root.relativize(next).toString();
            if (a.isSymbolicLink()) {
                throw RegistryError.nameInvalid(name, at + " is a symbolic link on the server, never followed");
            }
            if (!a.isDirectory()) {
                throw RegistryError.nameInvalid(name, at + " is a file on the server");
            }
            if (withinLayout && !isLayout(next) && !holdsOnlyFolders(next)) {
                throw RegistryError.nameInvalid(name, at + " is part of a layout's own content");
            }
            dir = next;
        }
        if (!isLayout(dir) && !holdsOnlyFolders(dir)) {
            if (create) {
                throw RegistryError.nameInvalid(name, "the folder " + name + " on the server holds files and is no layout");
            }
            return null;
        }
        return dir;
    }

    /**
     * Whether a name reaches a repository: a layout found under the root (not one inside another's own
     * content), or a full name the one layout served holds that the distribution grammar allows.
     */
    private boolean addressable(String name) {
        try {
            validate(name);
            return singleName != null ? RepositoryScope.of(name) != null : folder(name, false) != null;
        } catch (RegistryError | IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private static boolean isLayout(Path dir) {
        return Files.isRegularFile(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean holdsOnlyFolders(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                if (!Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every repository name, sorted. */
    List<String> names() throws IOException {
        if (singleName != null) {
            ImageIndex index = layoutAt(singleName, false).index().read();
            List<String> names = new ArrayList<>();
            if (RepositoryScope.hasPlainTags(index) || RepositoryScope.named(index).isEmpty()) {
                names.add(singleName);
            }
            for (String n : RepositoryScope.named(index)) {
                if (addressable(n)) {
                    names.add(n);
                }
            }
            names.sort(null);
            return names;
        }
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return names; // nothing pushed yet: the first push creates the folder
        }
        Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 16,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                            java.nio.file.attribute.BasicFileAttributes attrs) {
                        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        if (!dir.equals(root) && RESERVED.contains(n)) {
                            return java.nio.file.FileVisitResult.SKIP_SUBTREE; // a layout's own content
                        }
                        if (!dir.equals(root) && isLayout(dir)) {
                            String name = root.relativize(dir).toString().replace('\\', '/');
                            if (Address.isRepositoryName(name) && name.length() <= 255) {
                                names.add(name);
                            }
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        names.removeIf(name -> !addressable(name));
        names.sort(null);
        return names;
    }
}
