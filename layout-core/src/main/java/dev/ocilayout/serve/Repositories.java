package dev.ocilayout.serve;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The repositories a server offers: every layout under a root folder, named by its path below the root
 * ({@code ROOT/team/app} is {@code team/app}); or, when the root is itself a layout, that one layout under
 * its folder's name. A push to a new name creates its layout (never in single-layout mode).
 */
final class Repositories {
    /** The distribution-spec's repository name grammar. */
    static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    private final Path root;
    private final LayoutOptions options;
    private final String singleName;
    private final Map<String, Layout> open = new ConcurrentHashMap<>();

    Repositories(Path root, LayoutOptions options) {
        this.root = root;
        this.options = options;
        this.singleName = Files.isRegularFile(root.resolve("oci-layout")) ? nameOf(root) : null;
    }

    /** A folder name made into a repository name: lowercase, other characters as '-'. */
    static String nameOf(Path folder) {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        String n = (name == null ? "layout" : name.toString()).toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return n.isEmpty() ? "layout" : n;
    }

    /** The layout of {@code name}; null when there is none and {@code create} is false. */
    Layout get(String name, boolean create) throws IOException {
        if (!NAME.matcher(name).matches() || name.length() > 255) {
            throw RegistryError.nameInvalid(name);
        }
        Layout cached = open.get(name);
        if (cached != null) {
            return cached;
        }
        Path dir;
        if (singleName != null) {
            if (!name.equals(singleName)) {
                if (create) {
                    throw new RegistryError(403, "DENIED", "this server serves one layout, as " + singleName);
                }
                return null;
            }
            dir = root;
        } else {
            dir = root.resolve(name);
        }
        synchronized (this) {
            cached = open.get(name);
            if (cached != null) {
                return cached;
            }
            Layout layout;
            if (Files.isRegularFile(dir.resolve("oci-layout"))) {
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

    /** Every repository name, sorted. */
    List<String> names() throws IOException {
        if (singleName != null) {
            return List.of(singleName);
        }
        List<String> names = new ArrayList<>();
        Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), 16,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                            java.nio.file.attribute.BasicFileAttributes attrs) {
                        if (!dir.equals(root) && Files.isRegularFile(dir.resolve("oci-layout"))) {
                            String name = root.relativize(dir).toString().replace('\\', '/');
                            if (NAME.matcher(name).matches()) {
                                names.add(name);
                            }
                        }
                        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        return n.equals("blobs") || n.equals("ingest") ? java.nio.file.FileVisitResult.SKIP_SUBTREE
                                : java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        names.sort(null);
        return names;
    }
}
