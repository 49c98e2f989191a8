package dev.ocilayout.archive;

/**
 * Bounds on what reading an archive may cost, against decompression bombs and runaway input. Metadata
 * files read into memory ({@code index.json}, {@code manifest.json}, a docker-archive config) are bounded
 * by the destination layout's caps ({@link dev.ocilayout.LayoutOptions}).
 *
 * @param maxBytes the most bytes the archive may expand to (after decompression), or 0 for no bound
 * @param maxRatio the most a compressed archive may expand, decompressed bytes over compressed bytes,
 *                 checked once {@link #RATIO_GRACE_BYTES} have come out; 0 for no bound
 */
public record ArchiveLimits(long maxBytes, int maxRatio) {
    /** Decompressed bytes before the ratio is checked: small archives compress very well. */
    public static final long RATIO_GRACE_BYTES = 64L * 1024 * 1024;
    /** gzip cannot expand more than about 1032 times; real image archives stay far below this. */
    public static final int DEFAULT_MAX_RATIO = 200;

    public ArchiveLimits {
        if (maxBytes < 0 || maxRatio < 0) {
            throw new IllegalArgumentException("archive limits must not be negative");
        }
    }

    public static ArchiveLimits defaults() {
        return new ArchiveLimits(0, DEFAULT_MAX_RATIO);
    }
}
