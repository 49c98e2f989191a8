package dev.ocilayout.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Every file operation the library performs that can change a layout goes through this seam, so a
 * fault-injecting implementation can fail or "cut power" at any operation (reliability.md, FaultFs).
 * Reads are here too, so that links are never followed by accident: every path-based call refuses to
 * follow a symbolic link at its last component.
 */
public interface Fs {
    /** Opens a regular file for reading; fails on a symbolic link. */
    FileChannel openRead(Path file) throws IOException;

    /** Creates a file that must not exist yet and opens it for writing. */
    WritableFile createNew(Path file) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing {@code to}; never falls back to a copy. */
    void moveAtomic(Path from, Path to) throws IOException;

    /** Makes a directory's entries durable (fsync of the directory), where the file system allows it. */
    void syncDirectory(Path dir) throws IOException;

    /** Creates a directory; succeeds if a directory (not a link) is already there. */
    void createDirectory(Path dir) throws IOException;

    /** Deletes a file or empty directory; returns false if it did not exist. */
    boolean deleteIfExists(Path file) throws IOException;

    /** Lists a directory without following links. */
    DirectoryStream<Path> list(Path dir) throws IOException;

    /** Attributes of the path itself, not of a link's target; throws NoSuchFileException when absent. */
    BasicFileAttributes attributes(Path file) throws IOException;

    /** Sets the modification time, e.g. so gc's grace period covers a blob that was pushed again. */
    void setLastModified(Path file, FileTime time) throws IOException;

    /**
     * Creates a hard link {@code link} to {@code existing} (atomic: the name appears with the whole
     * content or not at all). Throws when links are not possible, e.g. across file systems.
     */
    void link(Path link, Path existing) throws IOException;

    /** Opens (creating if needed) the dedicated lock file. Nothing else may open this file. */
    FileChannel openLockFile(Path file) throws IOException;

    /** Opens an existing file for writing without creating it, e.g. to test whether a writer holds its lock. */
    FileChannel openExistingForWrite(Path file) throws IOException;

    /**
     * Opens a directory for many operations on its entries by name, relative to the open directory
     * (openat/fstatat/unlinkat where the platform offers them: one system call each, no path walk).
     */
    DirectoryHandle openDirectory(Path dir) throws IOException;

    /** An open directory; entries are named by their file name. Safe to use from several threads. */
    interface DirectoryHandle extends java.io.Closeable {
        /** File names of the entries. */
        java.util.List<String> names() throws IOException;

        /** Attributes of an entry itself (links not followed); NoSuchFileException when absent. */
        BasicFileAttributes attributes(String name) throws IOException;

        /** Opens an entry for reading; fails on a symbolic link (not followed). */
        java.nio.channels.SeekableByteChannel openRead(String name) throws IOException;

        /** Deletes a file entry; false when it did not exist. */
        boolean delete(String name) throws IOException;
    }

    /** The production implementation over {@link java.nio.file.Files}. */
    static Fs nio() {
        return NioFs.INSTANCE;
    }
}
