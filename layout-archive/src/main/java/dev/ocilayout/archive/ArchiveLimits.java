package dev.ocilayout.archive;

/**
 * Bounds on what reading an archive may cost, against decompression bombs and runaway input. Metadata
 * files read into memory ({@code index.json}, {@code manifest.json}, a docker-archive config) are bounded
 * by the destination layout's caps ({@link dev.ocilayout.LayoutOptions}).
 *
 * @param maxBytes the most bytes the archive may expand to (after decompression), or 0 for no bound
 * @param maxRatio the most a compressed archive may expand, decompressed bytes over compressed bytes,
 *                 checked once {@link #RATIO_GRACE_BYTES} have come out; 0 for no bound
 * @param maxManifestJsonBytes the cap for a docker-archive's {@code manifest.json}
 */
public record ArchiveLimits(long maxBytes, int maxRatio, int maxManifestJsonBytes) {
    /** Decompressed bytes before the ratio is checked: small archives compress very well. */
    public static final long RATIO_GRACE_BYTES = 64L * 1024 * 1024;
    /** gzip cannot expand more than about 1032 times; real image archives stay far below this. */
    public static final int DEFAULT_MAX_RATIO = 200;
    /** {@code docker save} lists a few hundred bytes per image; a megabyte is thousands of images. */
    public static final int DEFAULT_MAX_MANIFEST_JSON_BYTES = 1024 * 1024;

    public ArchiveLimits {
        if (maxBytes < 0 || maxRatio < 0 || maxManifestJsonBytes <= 0) {
            throw new IllegalArgumentException("archive limits must not be negative");
        }
    }

    public ArchiveLimits(long maxBytes, int maxRatio) {
        this(maxBytes, maxRatio, DEFAULT_MAX_MANIFEST_JSON_BYTES);
    }

    public static ArchiveLimits defaults() {
        return new ArchiveLimits(0, DEFAULT_MAX_RATIO);
    }
}
