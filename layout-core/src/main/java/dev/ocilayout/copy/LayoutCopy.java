package dev.ocilayout.copy;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Copies content from one layout to another: the closure of a root, optionally only some platforms of an
 * index, optionally every referrer (recursively), skipping blobs the destination has. On one file system
 * blobs are hard-linked, else copied through the destination's verifying ingest. The destination's
 * {@code index.json} is updated once, at the end, under its lock, after every blob is present: a failed
 * copy tags nothing.
 */
public final class LayoutCopy {
    /**
     * @param referrers copy referrers of everything copied, recursively, recorded by the destination's convention
     * @param platforms keep only these platforms of an index root (a new index is written); empty for all
     * @param link      hard-link blobs when source and destination share a file system
     * @param strategy  how the destination records referrers; null for its own convention
     */
    public record Options(boolean referrers, List<Platform> platforms, boolean link, ReferrerStrategy strategy) {
        public Options {
            platforms = platforms == null ? List.of() : List.copyOf(platforms);
        }

        /** Options with the destination's own referrers convention. */
        public Options(boolean referrers, List<Platform> platforms, boolean link) {
            this(referrers, platforms, link, null);
        }

        public static Options defaults() {
            return new Options(false, List.of(), true);
        }
    }

    /** What a copy did. */
    public record Report(Descriptor root, boolean filtered, int blobs, int linked, int copied, int skipped, long bytesCopied,
                         List<Descriptor> referrers) {
    }

    private LayoutCopy() {
    }

    /**
     * Copies {@code root} from {@code src} into {@code dst} and tags it {@code tag} there (or records it
     * untagged when {@code tag} is null).
     */
    public static Report copy(Layout src, Descriptor root, Layout dst, String tag, Options options, LongConsumer progress)
            throws IOException {
        if (tag != null) {
            dev.ocilayout.model.RefName.validate(tag);
        }
        Closure closure = Closure.of(src, root, options.referrers(), options.platforms());
        int linked = 0;
        int copied = 0;
        int skipped = 0;
        long bytes = 0;
        for (Descriptor d : closure.blobs()) {
            switch (dst.blobs().copyFrom(src.blobs(), d, options.link(), progress)) {
                case ALREADY_HERE -> skipped++;
                case LINKED -> linked++;
                case COPIED -> {
                    copied++;
                    bytes += d.size();
                }
            }
        }
        if (closure.filtered()) {
            dst.blobs().put(closure.topBytes(), root.mediaType());
        }

        // One index.json update, after every blob is in place.
        Descriptor recorded = closure.top();
        ReferrerStrategy strategy = closure.referrersOf().isEmpty() ? null
                : options.strategy() != null ? options.strategy() : Referrers.choose(dst, null, false);
        dst.index().update(index -> {
            dst.blobs().requirePresent(closure.blobs());
            ImageIndex next = tag != null ? Tags.tag(index, tag, recorded) : Tags.addUntagged(index, recorded);
            for (Map.Entry<Digest, List<Descriptor>> e : closure.referrersOf().entrySet()) {
                next = strategy.addAll(dst, next, e.getKey(), e.getValue());
            }
            return next;
        });
        return new Report(recorded, closure.filtered(), closure.blobs().size() + (closure.filtered() ? 1 : 0), linked,
                copied, skipped, bytes, closure.referrers());
    }
}
