package dev.ocilayout.artifact;

import dev.ocilayout.Layout;
import dev.ocilayout.content.BlobSource;
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
        writeVerified(layout.options().fs(), new BlobSource() {
            @Override
            public InputStream fetch(Descriptor blob) throws IOException {
                return layout.blobs().openVerified(blob);
            }

            @Override
            public boolean exists(Descriptor blob) throws IOException {
                return layout.blobs().exists(blob.digest());
            }
        }, d, target, progress);
    }

    /** The same, from any source (an archive read in place, a registry repository), on file system {@code fs}. */
    public static void writeVerified(Fs fs, BlobSource source, Descriptor d, Path target,
                                     LongConsumer progress) throws IOException {
        Path abs = target.toAbsolutePath();
        Path temp = abs.resolveSibling("." + abs.getFileName() + "." + UUID.randomUUID() + ".part");
        boolean moved = false;
        try {
            try (InputStream in = source.fetch(d); WritableFile out = fs.createNew(temp)) {
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
