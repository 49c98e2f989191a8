package dev.ocilayout;

import dev.ocilayout.io.Fs;
import dev.ocilayout.model.ModelJson;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Layout} is opened.
 *
 * @param fs               the file operations seam (tests inject faults here)
 * @param lockTimeout      how long a writer waits for the layout lock
 * @param maxManifestBytes cap for any manifest or index blob read into memory
 * @param maxIndexBytes    cap for {@code index.json}
 */
public record LayoutOptions(Fs fs, Duration lockTimeout, int maxManifestBytes, int maxIndexBytes) {
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    public LayoutOptions {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.isNegative() || maxManifestBytes <= 0 || maxIndexBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static LayoutOptions defaults() {
        return new LayoutOptions(Fs.nio(), DEFAULT_LOCK_TIMEOUT, ModelJson.MAX_MANIFEST_BYTES,
                ModelJson.MAX_INDEX_JSON_BYTES);
    }

    public LayoutOptions withFs(Fs f) {
        return new LayoutOptions(f, lockTimeout, maxManifestBytes, maxIndexBytes);
    }

    public LayoutOptions withLockTimeout(Duration t) {
        return new LayoutOptions(fs, t, maxManifestBytes, maxIndexBytes);
    }

    public LayoutOptions withMaxManifestBytes(int max) {
        return new LayoutOptions(fs, lockTimeout, max, maxIndexBytes);
    }

    public LayoutOptions withMaxIndexBytes(int max) {
        return new LayoutOptions(fs, lockTimeout, maxManifestBytes, max);
    }
}
