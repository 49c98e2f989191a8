package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each referrer is an untagged {@code index.json} entry, as oras, oras-java and zot write and scan, with
 * its {@code artifactType}, the manifest's annotations and {@code io.containerd.manifest.subject} = the
 * subject digest, so containerd finds it too and a lookup needs no manifest read.
 */
public final class SubjectAnnotationStrategy implements ReferrerStrategy {
    public static final String NAME = "subject-annotation";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ImageIndex addAll(ResponseStore responses, ImageIndex index, Digest subject, List<Descriptor> referrers) {
        Map<Digest, Descriptor> entries = new LinkedHashMap<>();
        for (Descriptor referrer : referrers) {
            Map<String, String> annotations = new LinkedHashMap<>(referrer.annotations());
            annotations.remove(Annotations.REF_NAME);
            annotations.put(ReferrerKeys.CONTAINERD_SUBJECT, subject.toString());
            entries.put(referrer.digest(), new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), null,
                    annotations, null, null, referrer.artifactType(), null));
        }
        List<Descriptor> list = new ArrayList<>(index.manifests().size() + entries.size());
        java.util.Set<Digest> placed = new java.util.HashSet<>();
        for (Descriptor d : index.manifests()) {
            Descriptor entry = d.refName() == null ? entries.get(d.digest()) : null;
            if (entry == null) {
                list.add(d);
            } else if (placed.add(d.digest())) {
                list.add(entry); // replaces a bare or older untagged entry of the same manifest, in place
            }
        }
        entries.forEach((digest, entry) -> {
            if (!placed.contains(digest)) {
                list.add(entry);
            }
        });
        return index.withManifests(list);
    }

    @Override
    public ImageIndex remove(Layout layout, ImageIndex index, Digest referrer) {
        return index.without(d -> d.refName() == null && d.digest().equals(referrer));
    }
}
