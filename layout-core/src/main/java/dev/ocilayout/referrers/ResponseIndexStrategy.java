package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One referrers response per subject, stored as an image index blob and listed in {@code index.json}
 * with {@code org.opencontainers.image.referrer.subject} = the subject (image-spec PR #1171), or olareg's
 * {@code org.olareg.referrer.subject}, in which case {@code index.json} also gets
 * {@code org.olareg.referrer.convert: "true"} so olareg does not convert again.
 */
public final class ResponseIndexStrategy implements ReferrerStrategy {
    public static final String NAME = "referrer-subject";

    private final boolean olareg;

    public ResponseIndexStrategy(boolean olareg) {
        this.olareg = olareg;
    }

    private String key() {
        return olareg ? ReferrerKeys.OLAREG_REFERRER_SUBJECT : ReferrerKeys.OCI_REFERRER_SUBJECT;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ImageIndex addAll(ResponseStore responses, ImageIndex index, Digest subject, List<Descriptor> referrers)
            throws IOException {
        Descriptor existing = null;
        for (Descriptor d : index.manifests()) {
            if (subject.toString().equals(d.annotation(key())) && MediaType.isIndex(d.mediaType())) {
                existing = d;
            }
        }
        List<Descriptor> listed = existing == null ? new ArrayList<>() : responses.entries(existing);
        List<Descriptor> next = ResponseIndexes.withReferrers(listed, referrers);
        ImageIndex result = next.equals(listed) && existing != null ? index
                : replace(index, existing, responses.store(next)
                        .withAnnotations(Map.of(key(), subject.toString())));
        if (olareg && !"true".equals(result.annotations().get(ReferrerKeys.OLAREG_REFERRER_CONVERT))) {
            Map<String, String> a = new LinkedHashMap<>(result.annotations());
            a.put(ReferrerKeys.OLAREG_REFERRER_CONVERT, "true");
            result = result.withAnnotations(a);
        }
        return result;
    }

    @Override
    public ImageIndex remove(Layout layout, ImageIndex index, Digest referrer) throws IOException {
        ImageIndex result = index;
        for (Descriptor d : index.manifests()) {
            String subject = d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) != null
                    ? d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) : d.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT);
            if (subject == null || !MediaType.isIndex(d.mediaType())) {
                continue;
            }
            List<Descriptor> listed = ResponseIndexes.entries(layout, d);
            List<Descriptor> kept = listed.stream().filter(x -> !x.digest().equals(referrer)).toList();
            if (kept.size() == listed.size()) {
                continue;
            }
            result = kept.isEmpty() ? result.without(x -> x.equals(d))
                    : replace(result, d, ResponseIndexes.store(layout, kept).withAnnotations(d.annotations()));
        }
        return result;
    }

    /** Puts {@code replacement} where {@code old} was (or at the end). */
    private static ImageIndex replace(ImageIndex index, Descriptor old, Descriptor replacement) {
        List<Descriptor> list = new ArrayList<>();
        boolean placed = false;
        for (Descriptor d : index.manifests()) {
            if (d.equals(old)) {
                list.add(replacement);
                placed = true;
            } else {
                list.add(d);
            }
        }
        if (!placed) {
            list.add(replacement);
        }
        return index.withManifests(list);
    }
}
