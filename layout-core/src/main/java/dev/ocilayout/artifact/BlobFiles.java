package dev.ocilayout.artifact;

import dev.ocilayout.Layout;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.WritableFile;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.LongConsumer;

/** Writes blobs out of a layout into ordinary files. */
public final class BlobFiles {
    private static final int BUFFER = 256 * 1024;

    private BlobFiles() {
    }

    /**
     * Writes the blob {@code d} to {@code target}, verified against its digest and size while it streams.
     * The file appears (by atomic rename of a temp file beside it) only once verified; on any failure the
     * temp file is removed and {@code target} is left as it was.
     */
    public static void writeVerified(Layout layout, Descriptor d, Path target, LongConsumer progress)
            throws IOException {
        Fs fs = layout.options().fs();
        Path abs = target.toAbsolutePath();
        Path temp = abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".part");
        boolean moved = false;
        try {
            try (InputStream in = layout.blobs().openVerified(d); WritableFile out = fs.createNew(temp)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(ByteBuffer.wrap(buf, 0, n));
                    if (progress != null) {
                        progress.accept(n);
                    }
                }
                out.force();
            }
            fs.moveAtomic(temp, abs);
            moved = true;
        } finally {
            if (!moved) {
                fs.deleteIfExists(temp);
            }
        }
    }
}
