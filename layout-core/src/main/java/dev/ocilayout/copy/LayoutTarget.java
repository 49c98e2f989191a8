package dev.ocilayout.copy;

import dev.ocilayout.Layout;
import dev.ocilayout.content.Target;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Tags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A layout as a {@link Target}: blobs through its verifying store, manifests resolved through
 * {@code index.json} (tags) or by digest, tags as skopeo reads them, referrers in every convention the
 * layout may record them, tags written under the lock once what they name is present.
 */
public final class LayoutTarget implements Target {
    private final Layout layout;

    public LayoutTarget(Layout layout) {
        this.layout = layout;
    }

    public Layout layout() {
        return layout;
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        return layout.blobs().openVerified(blob);
    }

    /**
     * Whether the layout has the blob intact (a regular file of its size); one it has is touched, so that gc's
     * grace period covers it while a copy that skips it goes on (the rule every writer here follows).
     */
    @Override
    public boolean exists(Descriptor blob) throws IOException {
        return layout.blobs().touchIfIntact(blob.digest(), blob.size());
    }

    @Override
    public void push(Descriptor expected, InputStream content) throws IOException {
        layout.blobs().put(content, expected, null);
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
        Digest digest = reference.indexOf(':') >= 0 ? Digest.tryParse(reference) : null;
        if (digest != null) {
            return layout.resolve(digest);
        }
        RefName.validate(reference);
        return layout.resolveTag(reference);
    }

    @Override
    public byte[] fetchManifest(Descriptor manifest) throws IOException {
        return layout.readManifestBytes(manifest);
    }

    /**
     * Stores the manifest; one with a {@code subject} is recorded as a referrer the way the layout already
     * records them, as a registry with the referrers API indexes it on push.
     */
    @Override
    public void pushManifest(Descriptor manifest, byte[] bytes) throws IOException {
        Manifest m = ModelJson.parseManifest(bytes, manifest.mediaType(), "manifest " + manifest.digest());
        List<Descriptor> needed = stored(m);
        layout.blobs().requirePresent(needed);
        layout.blobs().put(new ByteArrayInputStream(bytes), manifest, null);
        if (m.subject() != null) {
            ReferrerStrategy strategy = Referrers.choose(layout, null, false);
            Descriptor response = ReferrerIndex.responseDescriptor(manifest, m);
            layout.index().update(index -> {
                layout.blobs().requirePresent(needed);
                return strategy.add(layout, index, m.subject().digest(), response);
            });
        }
    }

    @Override
    public void tag(Descriptor manifest, String tag) throws IOException {
        RefName.validate(tag);
        layout.index().update(index -> {
            layout.blobs().requirePresent(List.of(manifest));
            return Tags.tag(index, tag, manifest);
        });
    }

    @Override
    public List<String> tags() throws IOException {
        return Tags.list(layout.index().read()).stream().map(Tags.Tag::name).toList();
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        for (Referrer r : ReferrerIndex.build(layout, false).referrers(subject, artifactType)) {
            out.add(r.descriptor());
        }
        return out;
    }

    /** The children a manifest needs stored: not those embedded in it, nor foreign ones. */
    private static List<Descriptor> stored(Manifest m) {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor c : m.children()) {
            if (c.data() == null && c.urls().isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }
}
