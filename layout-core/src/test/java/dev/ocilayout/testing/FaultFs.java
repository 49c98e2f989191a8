package dev.ocilayout.testing;

import com.google.common.jimfs.Jimfs;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The {@link Fs} seam with faults (reliability.md, FaultFs): counts every operation that changes the file
 * system or makes it durable, and at operation {@code k} either throws an {@link IOException} (later
 * operations proceed) or "cuts power": that operation and every later one throw {@link PowerCut}, and
 * {@link #afterPowerCut()} builds the file system as a disk would hold it after the crash.
 *
 * <p>The durability model is that of a journaling file system at its most pessimistic: a file's data
 * survives only as of its last {@code force()} (never forced: empty); a directory entry (created, renamed,
 * linked, deleted) survives only once its directory was fsynced ({@code syncDirectory}); everything present
 * when this object was made counts as durable.
 */
public final class FaultFs implements Fs {
    public enum Mode { NONE, THROW, POWER_CUT }

    /** Thrown at and after a power cut: an Error, so no {@code catch (IOException)} swallows it. */
    public static final class PowerCut extends Error {
        private static final long serialVersionUID = 1L;

        PowerCut(int op) {
            super("power cut at operation " + op);
        }
    }

    private static final long DIRECTORY = -1;
    private static final boolean TRACE = Boolean.getBoolean("faultfs.trace");

    private final Fs delegate = Fs.nio();
    private final Path root;
    private final Mode mode;
    private final int faultAt;
    private final AtomicInteger ops = new AtomicInteger();
    private final AtomicLong directoryReadBytes = new AtomicLong();
    private final AtomicLong inodes = new AtomicLong();
    private volatile boolean dead;
    /** Path (relative to root) to inode, as the running system sees it. */
    private final Map<String, Long> live = new HashMap<>();
    /** Path to inode, as the disk holds it. */
    private final Map<String, Long> durable = new HashMap<>();
    /** Inode to its content as of its last force. */
    private final Map<Long, byte[]> durableData = new HashMap<>();

    /** Faults nothing; counts operations (for enumeration). */
    public FaultFs(Path root) throws IOException {
        this(root, Mode.NONE, 0);
    }

    public FaultFs(Path root, Mode mode, int faultAt) throws IOException {
        this.root = root;
        this.mode = mode;
        this.faultAt = faultAt;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String rel = rel(p);
                if (rel.isEmpty()) {
                    continue;
                }
                long inode = Files.isDirectory(p) ? DIRECTORY : inodes.incrementAndGet();
                live.put(rel, inode);
                durable.put(rel, inode);
                if (inode != DIRECTORY) {
                    durableData.put(inode, Files.readAllBytes(p));
                }
            }
        }
    }

    /** Operations counted so far. */
    public int operations() {
        return ops.get();
    }

    /** Bytes read so far through channels opened from directory handles (the bulk readers' way in). */
    public long directoryReadBytes() {
        return directoryReadBytes.get();
    }

    /** A read channel that adds what it reads to {@link #directoryReadBytes()}. */
    private final class CountingChannel implements SeekableByteChannel {
        private final SeekableByteChannel in;

        CountingChannel(SeekableByteChannel in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst);
            if (n > 0) {
                directoryReadBytes.addAndGet(n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return in.write(src);
        }

        @Override
        public long position() throws IOException {
            return in.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            in.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return in.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            in.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    public boolean cut() {
        return dead;
    }

    /** A new file system holding what survived the power cut, with the layout at the same path. */
    public synchronized Path afterPowerCut() throws IOException {
        FileSystem fs = Jimfs.newFileSystem(com.google.common.jimfs.Configuration.unix());
        Path newRoot = fs.getPath(root.toString());
        Files.createDirectories(newRoot);
        for (Map.Entry<String, Long> e : new TreeMap<>(durable).entrySet()) {
            Path p = newRoot.resolve(e.getKey());
            if (e.getValue() == DIRECTORY) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.write(p, durableData.getOrDefault(e.getValue(), new byte[0]));
            }
        }
        return newRoot;
    }

    // ------------------------------------------------------------------ counting and faults

    private void step(String what) throws IOException {
        if (dead) {
            throw new PowerCut(ops.get());
        }
        int n = ops.incrementAndGet();
        if (TRACE) {
            System.out.println("op " + n + ": " + what);
        }
        if (n == faultAt) {
            if (mode == Mode.THROW) {
                throw new IOException("injected fault at operation " + n + " (" + what + ")");
            }
            if (mode == Mode.POWER_CUT) {
                dead = true;
                throw new PowerCut(n);
            }
        }
    }

    private String rel(Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString();
    }

    private static String parent(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private synchronized Path livePath(long inode) {
        for (Map.Entry<String, Long> e : live.entrySet()) {
            if (e.getValue() == inode) {
                return root.resolve(e.getKey());
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ the seam

    @Override
    public FileChannel openRead(Path file) throws IOException {
        if (dead) {
            throw new PowerCut(ops.get());
        }
        return delegate.openRead(file);
    }

    @Override
    public WritableFile createNew(Path file) throws IOException {
        step("createNew " + file);
        WritableFile out = delegate.createNew(file);
        long inode = inodes.incrementAndGet();
        synchronized (this) {
            live.put(rel(file), inode);
        }
        return new Tracked(out, inode);
    }

    @Override
    public void moveAtomic(Path from, Path to) throws IOException {
        step("move " + from + " -> " + to);
        delegate.moveAtomic(from, to);
        synchronized (this) {
            Long inode = live.remove(rel(from));
            if (inode != null) {
                live.put(rel(to), inode);
            }
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        step("sync " + dir);
        delegate.syncDirectory(dir);
        String d = rel(dir);
        synchronized (this) {
            durable.keySet().removeIf(p -> parent(p).equals(d) && !live.containsKey(p));
            live.forEach((p, inode) -> {
                if (parent(p).equals(d)) {
                    durable.put(p, inode);
                }
            });
        }
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        step("mkdir " + dir);
        delegate.createDirectory(dir);
        synchronized (this) {
            live.putIfAbsent(rel(dir), DIRECTORY);
        }
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        step("delete " + file);
        boolean deleted = delegate.deleteIfExists(file);
        synchronized (this) {
            live.remove(rel(file));
        }
        return deleted;
    }

    @Override
    public DirectoryStream<Path> list(Path dir) throws IOException {
        return delegate.list(dir);
    }

    @Override
    public BasicFileAttributes attributes(Path file) throws IOException {
        return delegate.attributes(file);
    }

    @Override
    public void setLastModified(Path file, FileTime time) throws IOException {
        step("touch " + file);
        delegate.setLastModified(file, time);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
        step("link " + link);
        delegate.link(link, existing);
        synchronized (this) {
            Long inode = live.get(rel(existing));
            if (inode != null) {
                live.put(rel(link), inode);
            }
        }
    }

    @Override
    public FileChannel openLockFile(Path file) throws IOException {
        step("lock file " + file);
        FileChannel ch = delegate.openLockFile(file);
        synchronized (this) {
            live.putIfAbsent(rel(file), inodes.incrementAndGet());
        }
        return ch;
    }

    @Override
    public FileChannel openExistingForWrite(Path file) throws IOException {
        return delegate.openExistingForWrite(file);
    }

    @Override
    public DirectoryHandle openDirectory(Path dir) throws IOException {
        DirectoryHandle h = delegate.openDirectory(dir);
        return new DirectoryHandle() {
            @Override
            public List<String> names() throws IOException {
                return new ArrayList<>(h.names());
            }

            @Override
            public BasicFileAttributes attributes(String name) throws IOException {
                return h.attributes(name);
            }

            @Override
            public SeekableByteChannel openRead(String name) throws IOException {
                return new CountingChannel(h.openRead(name));
            }

            @Override
            public boolean delete(String name) throws IOException {
                step("delete " + dir.resolve(name));
                boolean deleted = h.delete(name);
                synchronized (FaultFs.this) {
                    live.remove(rel(dir.resolve(name)));
                }
                return deleted;
            }

            @Override
            public void close() throws IOException {
                h.close();
            }
        };
    }

    /** A file being written: data becomes durable at force. */
    private final class Tracked implements WritableFile {
        private final WritableFile out;
        private final long inode;

        Tracked(WritableFile out, long inode) {
            this.out = out;
            this.inode = inode;
        }

        @Override
        public Path path() {
            return out.path();
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            step("write " + out.path());
            out.write(buffer);
        }

        @Override
        public void force() throws IOException {
            step("fsync " + out.path());
            out.force();
            Path p = livePath(inode);
            byte[] content = p == null ? new byte[0] : Files.readAllBytes(p);
            synchronized (FaultFs.this) {
                durableData.put(inode, content);
            }
        }

        @Override
        public void startWriteback() {
            out.startWriteback();
        }

        @Override
        public FileLock tryLock() throws IOException {
            return out.tryLock();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
