package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.util.List;

/**
 * The distribution-spec's referrers tag schema, as regclient writes it into a layout: an image index
 * listing the referrers, tagged {@code <alg>-<encoded>} (truncated as the current distribution-spec says).
 * A tag of that name that is not a referrers index is reported, never overwritten ("SHOULD report a failure").
 */
public final class FallbackTagStrategy implements ReferrerStrategy {
    public static final String NAME = "fallback-tag";
    private final RepositoryScope scope;

    /** Fallback tags of the layout's unnamed repository: plain {@code sha256-<hex>} tags. */
    public FallbackTagStrategy() {
        this(RepositoryScope.UNNAMED);
    }

    /** Fallback tags of one repository of the layout: {@code NAME:sha256-<hex>} for a named one. */
    public FallbackTagStrategy(RepositoryScope scope) {
        this.scope = scope;
    }

    @Override
    public ReferrerStrategy in(RepositoryScope repository) {
        return new FallbackTagStrategy(repository);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ImageIndex addAll(ResponseStore responses, ImageIndex index, Digest subject, List<Descriptor> referrers)
            throws IOException {
        String tag = scope.refName(ReferrerKeys.fallbackTag(subject));
        List<Descriptor> named = Tags.entries(index, tag);
        List<Descriptor> listed = List.of();
        if (!named.isEmpty()) {
            Descriptor current = named.get(named.size() - 1);
            if (!ReferrerIndex.isFallbackEntry(current)) {
                throw new InvalidContentException("tag " + tag + " exists but is not a referrers index ("
                        + current.mediaType() + "); not overwriting it");
            }
            listed = responses.entries(current);
        }
        List<Descriptor> next = ResponseIndexes.withReferrers(listed, referrers);
        if (next.equals(listed) && !named.isEmpty()) {
            return index;
        }
        return Tags.tag(index, tag, responses.store(next));
    }

    @Override
    public ImageIndex remove(Layout layout, ImageIndex index, Digest referrer) throws IOException {
        ImageIndex result = index;
        for (Descriptor d : index.manifests()) {
            if (!ReferrerIndex.isFallbackEntry(d)) {
                continue;
            }
            List<Descriptor> listed = ResponseIndexes.entries(layout, d);
            List<Descriptor> kept = listed.stream().filter(x -> !x.digest().equals(referrer)).toList();
            if (kept.size() == listed.size()) {
                continue;
            }
            // regclient deletes the tag when its list becomes empty
            result = kept.isEmpty() ? Tags.untag(result, d.refName())
                    : Tags.tag(result, d.refName(), ResponseIndexes.store(layout, kept));
        }
        return result;
    }
}
