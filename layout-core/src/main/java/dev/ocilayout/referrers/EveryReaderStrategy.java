package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import java.io.IOException;
import java.util.List;

/**
 * Two conventions kept in step, so that every reader finds the referrers: an untagged entry per referrer with
 * the subject annotation ({@link SubjectAnnotationStrategy}: oras-go, oras-java, zot, containerd) and the
 * distribution-spec's fallback tag ({@link FallbackTagStrategy}: regclient, which reads only that up to at
 * least v0.9, and registries without the referrers API). Each write and each removal goes to both.
 */
public final class EveryReaderStrategy implements ReferrerStrategy {
    public static final String NAME = "every-reader";
    private final SubjectAnnotationStrategy annotated = new SubjectAnnotationStrategy();
    private final ReferrerStrategy tagged;

    public EveryReaderStrategy() {
        this(new FallbackTagStrategy());
    }

    private EveryReaderStrategy(ReferrerStrategy tagged) {
        this.tagged = tagged;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ReferrerStrategy in(RepositoryScope repository) {
        return new EveryReaderStrategy(tagged.in(repository));
    }

    @Override
    public ImageIndex addAll(ResponseStore responses, ImageIndex index, Digest subject, List<Descriptor> referrers)
            throws IOException {
        return tagged.addAll(responses, annotated.addAll(responses, index, subject, referrers), subject, referrers);
    }

    @Override
    public ImageIndex remove(Layout layout, ImageIndex index, Digest referrer) throws IOException {
        return tagged.remove(layout, annotated.remove(layout, index, referrer), referrer);
    }
}
