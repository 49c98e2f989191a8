package dev.ocilayout.archive;

import dev.ocilayout.error.LayoutException;
import dev.ocilayout.io.Fs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * An archive written to a file that appears only complete: written to a temp file beside it, fsynced,
 * renamed into place, and the folder fsynced, so a crash or a failure leaves either the old file or the
 * new one, and never a {@code .part} file. Errors name the file the caller gave, not the temp file.
 */
public final class ArchiveFile {
    /** What writes the archive into the sink. */
    @FunctionalInterface
    public interface Writer<T> {
        T write(LayoutExport.Sink sink) throws IOException;
    }

    private ArchiveFile() {
    }

    public static <T> T write(Path target, Writer<T> writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
            T result;
            try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                result = writer.write(LayoutExport.Sink.of(file));
                file.force(true); // durable before it gets its name
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fs.nio().syncDirectory(absolute.getParent()); // and the name durable too
            return result;
        } catch (LayoutException e) {
            throw e;
        } catch (FileSystemException e) {
            throw temp.toString().equals(e.getFile()) ? about(absolute, e) : e;
        } catch (IOException e) {
            // a plain IOException comes from a write on the open archive (ENOSPC, EIO): name the file given
            throw e.getClass() == IOException.class ? new FileSystemException(absolute.toString(), null,
                    e.getMessage() + " (writing the archive; nothing was left)") : e;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The same error about the file the user named, not the temp file it is written as. */
    private static FileSystemException about(Path target, FileSystemException e) {
        if (e instanceof NoSuchFileException) {
            return new NoSuchFileException(target.toString(), null, "its folder does not exist");
        }
        if (e instanceof AccessDeniedException) {
            return new AccessDeniedException(target.getParent().toString(), null, "permission denied");
        }
        return new FileSystemException(target.toString(), null, e.getReason());
    }
}
