package dev.ocilayout.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Fs} over {@link Files}; on the default file system directories are fsynced too. */
final class NioFs implements Fs {
    static final NioFs INSTANCE = new NioFs();

    private NioFs() {
    }

    @Override
    public FileChannel openRead(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public WritableFile createNew(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        return new ChannelFile(file, ch);
    }

    @Override
    public void moveAtomic(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // Opening a directory as a channel works on Linux and macOS (as Lucene's IOUtils.fsync relies on);
        // other file systems (jimfs, Windows) have nothing to sync or cannot open directories.
        if (dir.getFileSystem() != FileSystems.getDefault() || isWindows()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
        }
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }

    @Override
    public DirectoryStream<Path> list(Path dir) throws IOException {
        return Files.newDirectoryStream(dir);
    }

    @Override
    public BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void setLastModified(Path file, FileTime time) throws IOException {
        Files.setLastModifiedTime(file, time);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
        Files.createLink(link, existing);
    }

    @Override
    public FileChannel openLockFile(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public FileChannel openExistingForWrite(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public DirectoryHandle openDirectory(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return new SecureHandle(secure, dir);
        }
        stream.close();
        return new PathHandle(this, dir);
    }

    /** Entry operations relative to an open directory descriptor. */
    private static final class SecureHandle implements DirectoryHandle {
        private final SecureDirectoryStream<Path> dir;
        private final Path path;
        private final java.nio.file.FileSystem fileSystem;
        private List<String> names;

        SecureHandle(SecureDirectoryStream<Path> dir, Path path) {
            this.dir = dir;
            this.path = path;
            this.fileSystem = path.getFileSystem();
        }

        /** A relative path for an entry, on the directory's own file system. */
        private Path entry(String name) {
            return fileSystem.getPath(name);
        }

        @Override
        /**
         * Read with {@link java.io.File#list()} (on the default file system), which makes only the strings: iterating the stream made a
         * path object per entry, a third of a second for 120,000 blobs. (Listing by path is as safe here: a
         * name is only a name, and every use of one goes through the open directory.)
         */
        public synchronized List<String> names() throws IOException {
            if (names == null) {
                if (fileSystem == FileSystems.getDefault()) {
                    String[] list = path.toFile().list();
                    if (list == null) {
                        throw new IOException("cannot list " + path);
                    }
                    names = List.of(list);
                } else {
                    List<String> listed = new ArrayList<>();
                    dir.forEach(p -> listed.add(p.getFileName().toString()));
                    names = List.copyOf(listed);
                }
            }
            return names;
        }

        @Override
        public BasicFileAttributes attributes(String name) throws IOException {
            return dir.getFileAttributeView(entry(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        }

        @Override
        public java.nio.channels.SeekableByteChannel openRead(String name) throws IOException {
            return dir.newByteChannel(entry(name), READ_NOFOLLOW);
        }

        @Override
        public boolean delete(String name) throws IOException {
            try {
                dir.deleteFile(entry(name));
                return true;
            } catch (NoSuchFileException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    private static final java.util.Set<java.nio.file.OpenOption> READ_NOFOLLOW =
            java.util.Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    /** The same operations by path, where secure directory streams are not available. */
    private record PathHandle(Fs fs, Path dir) implements DirectoryHandle {
        @Override
        public List<String> names() throws IOException {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> s = fs.list(dir)) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            }
            return names;
        }

        @Override
        public BasicFileAttributes attributes(String name) throws IOException {
            return fs.attributes(dir.resolve(name));
        }

        @Override
        public java.nio.channels.SeekableByteChannel openRead(String name) throws IOException {
            return fs.openRead(dir.resolve(name));
        }

        @Override
        public boolean delete(String name) throws IOException {
            return fs.deleteIfExists(dir.resolve(name));
        }

        @Override
        public void close() {
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    private static final class ChannelFile implements WritableFile {
        private final Path path;
        private final FileChannel channel;
        private final AtomicBoolean flushing = new AtomicBoolean();
        private volatile Thread flusher;

        ChannelFile(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw named(e);
            }
        }

        @Override
        public void force() throws IOException {
            awaitWriteback();
            try {
                channel.force(true);
            } catch (IOException e) {
                throw named(e);
            }
        }

        /** A channel reports an errno (ENOSPC, EIO, EDQUOT) as a bare IOException; say which file it hit. */
        private IOException named(IOException e) {
            if (e.getClass() != IOException.class) {
                return e;
            }
            FileSystemException withPath = new FileSystemException(path.toString(), null, e.getMessage());
            withPath.initCause(e);
            return withPath;
        }

        @Override
        public void startWriteback() {
            // Java has no sync_file_range; an fdatasync on another thread gets the same overlap.
            if (flushing.compareAndSet(false, true)) {
                Thread t = new Thread(() -> {
                    try {
                        channel.force(false);
                    } catch (IOException e) {
                        // a hint only: the final force() reports real errors
                    } finally {
                        flushing.set(false);
                    }
                }, "oci-layout-writeback");
                t.setDaemon(true);
                flusher = t;
                t.start();
            }
        }

        private void awaitWriteback() throws IOException {
            Thread t = flusher;
            if (t != null) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted during fsync");
                }
            }
        }

        @Override
        public FileLock tryLock() throws IOException {
            try {
                return channel.tryLock();
            } catch (UnsupportedOperationException | OverlappingFileLockException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                awaitWriteback();
            } finally {
                channel.close();
            }
        }
    }
}
