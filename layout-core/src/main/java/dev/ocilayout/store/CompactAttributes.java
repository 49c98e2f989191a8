package dev.ocilayout.store;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * The attributes of a file in a fifth of the memory of the platform's: gc holds those of every unreachable
 * blob between examining and deleting them, a million in a large layout (the JDK's Unix attributes were 150
 * bytes each with their wrapper, the largest thing gc kept after the digests). Times are kept to the
 * nanosecond; the creation time is the modification time, as where the file system does not record it, and
 * there is no file key (nothing that examines blobs compares them).
 */
record CompactAttributes(byte kind, long size, long modifiedNanos, long accessedNanos)
        implements BasicFileAttributes {
    private static final byte REGULAR = 0;
    private static final byte DIRECTORY = 1;
    private static final byte LINK = 2;
    private static final byte OTHER = 3;

    static BasicFileAttributes of(BasicFileAttributes a) {
        if (a == null || a instanceof CompactAttributes) {
            return a;
        }
        byte kind = a.isRegularFile() ? REGULAR : a.isDirectory() ? DIRECTORY : a.isSymbolicLink() ? LINK : OTHER;
        return new CompactAttributes(kind, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                a.lastAccessTime().to(TimeUnit.NANOSECONDS));
    }

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.from(modifiedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public FileTime lastAccessTime() {
        return FileTime.from(accessedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public Object fileKey() {
        return null;
    }

    @Override
    public boolean isRegularFile() {
        return kind == REGULAR;
    }

    @Override
    public boolean isDirectory() {
        return kind == DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return kind == LINK;
    }

    @Override
    public boolean isOther() {
        return kind == OTHER;
    }
}
