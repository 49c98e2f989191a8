package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import java.io.IOException;
import java.util.List;

/**
 * How referrers are recorded in a layout for new writes. Three conventions (referrers-in-layouts.md):
 * {@link SubjectAnnotationStrategy subject-annotation} (default), {@link ResponseIndexStrategy
 * referrer-subject} and {@link FallbackTagStrategy fallback-tag}; and {@link EveryReaderStrategy every-reader},
 * the first and the last kept in step. Implementations are pure functions from
 * one {@code index.json} to the next (they may store response indexes as blobs); callers apply them
 * under the layout lock, and never rewrite a referrer manifest.
 */
public interface ReferrerStrategy {
    /** The name used on the command line, e.g. {@code fallback-tag}. */
    String name();

    /**
     * Records {@code referrer} (a descriptor in referrers-response form) as a referrer of {@code subject}.
     * Recording what is already recorded changes nothing.
     */
    default ImageIndex add(Layout layout, ImageIndex index, Digest subject, Descriptor referrer) throws IOException {
        return addAll(layout, index, subject, List.of(referrer));
    }

    /** Records several referrers of one subject at once (a stored list is written once). */
    default ImageIndex addAll(Layout layout, ImageIndex index, Digest subject, List<Descriptor> referrers)
            throws IOException {
        return addAll(ResponseStore.of(layout), index, subject, referrers);
    }

    /**
     * Records several referrers of one subject in {@code index}, keeping the referrers responses this
     * convention needs in {@code responses}: for an index that is not a layout's (an archive being written).
     */
    ImageIndex addAll(ResponseStore responses, ImageIndex index, Digest subject, List<Descriptor> referrers)
            throws IOException;

    /**
     * This convention writing for one repository of a layout that holds several: a fallback tag is named,
     * so it takes the repository's name; records by digest are shared by every repository and stay as they are.
     */
    default ReferrerStrategy in(RepositoryScope repository) {
        return this;
    }

    /** Removes every record of {@code referrer} this convention keeps. */
    ImageIndex remove(Layout layout, ImageIndex index, Digest referrer) throws IOException;

    /** The strategies, by name. */
    static List<String> names() {
        return List.of(SubjectAnnotationStrategy.NAME, ResponseIndexStrategy.NAME, FallbackTagStrategy.NAME,
                EveryReaderStrategy.NAME);
    }

    /**
     * The strategy called {@code name}.
     *
     * @param olareg for referrer-subject: write olareg's {@code org.olareg.referrer.subject} key instead of the
     *               image-spec PR #1171 key
     */
    static ReferrerStrategy named(String name, boolean olareg) {
        return switch (name) {
            case SubjectAnnotationStrategy.NAME -> new SubjectAnnotationStrategy();
            case ResponseIndexStrategy.NAME -> new ResponseIndexStrategy(olareg);
            case FallbackTagStrategy.NAME -> new FallbackTagStrategy();
            case EveryReaderStrategy.NAME -> new EveryReaderStrategy();
            default -> throw new IllegalArgumentException("unknown referrers strategy '" + name + "': use one of "
                    + String.join(", ", names()));
        };
    }
}
