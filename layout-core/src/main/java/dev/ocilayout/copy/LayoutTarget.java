package dev.ocilayout.copy;

import dev.ocilayout.Layout;
import dev.ocilayout.content.BlobMount;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Staging;
import dev.ocilayout.content.Target;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Tags;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A layout as a {@link Target}: blobs through its verifying store, manifests resolved through
 * {@code index.json} (tags) or by digest, tags as skopeo reads them, referrers in every convention the
 * layout may record them, tags written under the lock once what they name is present. Blobs of another
 * layout on the same file system are hard-linked rather than copied ({@link BlobMount}); a copy into it
 * stages its {@code index.json} changes and writes them in one update at the end ({@link Staging}).
 */
public final class LayoutTarget implements Target, BlobMount, Staging {
    private final Layout layout;
    private final ReferrerStrategy recordAs;
    private final RepositoryScope scope;
    private ImageIndex lookupOf;
    private ReferrerIndex lookup;

    /** The layout, recording referrers by its own convention. */
    public LayoutTarget(Layout layout) {
        this(layout, null);
    }

    /** @param recordAs how referrers pushed here are recorded; null for the layout's own convention */
    public LayoutTarget(Layout layout, ReferrerStrategy recordAs) {
        this(layout, recordAs, null);
    }

    /**
     * One repository of a layout that holds several (spec-notes/repositories.md): its tags are the tag parts
     * of its names ({@code 2} for {@code localhost/bimg:2}), a tag written here is stored under the full name,
     * and referrers are those the repository sees (its own fallback tags, and every record by digest).
     *
     * @param scope the repository, or null for the whole layout (every ref.name as it is)
     */
    public LayoutTarget(Layout layout, ReferrerStrategy recordAs, RepositoryScope scope) {
        this.layout = layout;
        this.recordAs = recordAs;
        this.scope = scope;
    }

    /** The repository this target is scoped to; null for the whole layout. */
    public RepositoryScope scope() {
        return scope;
    }

    public Layout layout() {
        return layout;
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        return layout.blobs().openVerified(blob);
    }

    /** The stored file as it is: the sink hashes it as it takes it. */
    @Override
    public InputStream fetchForSink(Descriptor blob) throws IOException {
        return layout.blobs().open(blob.digest());
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

    /** A hard link to the blob of a source layout, when both are on one file system and links work there. */
    @Override
    public boolean mount(Descriptor blob, ReadOnlyTarget source) throws IOException {
        if (!(source instanceof LayoutTarget from)) {
            return false;
        }
        try {
            return layout.blobs().linkFrom(from.layout.blobs().path(blob.digest()), blob);
        } catch (NoSuchFileException e) {
            return false; // not stored there (embedded only, or missing: the fetch that follows says so)
        }
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
        Digest digest = Digest.ofReference(reference);
        if (digest != null) {
            return layout.resolve(digest);
        }
        RefName.validate(reference);
        if (scope == null) {
            return layout.resolveTag(reference);
        }
        String stored = scope.find(layout.index().read(), reference);
        if (stored == null) {
            List<String> known = tags();
            throw new NotFoundException("tag " + Text.quote(reference) + " not found in repository " + scope + " of "
                    + layout.root() + (known.isEmpty() ? " (it has no tags)" : " (tags: "
                    + String.join(", ", known.subList(0, Math.min(10, known.size()))) + (known.size() > 10 ? ", ..." : "") + ")"));
        }
        return layout.resolveTag(stored);
    }

    @Override
    public RawManifest fetchManifest(Descriptor manifest) throws IOException {
        return RawManifest.of(manifest, layout.readManifestBytes(manifest));
    }

    /**
     * Stores the manifest; one with a {@code subject} is recorded as a referrer the way the layout already
     * records them, as a registry with the referrers API indexes it on push.
     */
    @Override
    public void pushManifest(RawManifest manifest) throws IOException {
        Manifest m = store(manifest);
        if (m.subject() != null) {
            ReferrerStrategy strategy = strategy();
            Descriptor response = ReferrerIndex.responseDescriptor(manifest.descriptor(), m);
            layout.index().update(index -> {
                layout.blobs().requirePresent(stored(m));
                return strategy.add(layout, index, m.subject().digest(), response);
            });
        }
    }

    @Override
    public void tag(Descriptor manifest, String tag) throws IOException {
        String name = refName(tag);
        layout.index().update(index -> {
            layout.blobs().requirePresent(List.of(manifest));
            return Tags.tag(index, name, manifest);
        });
    }

    /** The ref.name a tag written here is stored under. */
    private String refName(String tag) {
        RefName.validate(tag);
        return scope == null ? tag : RefName.validate(scope.refName(tag));
    }

    @Override
    public List<String> tags() throws IOException {
        ImageIndex index = layout.index().read();
        return scope == null ? Tags.list(index).stream().map(Tags.Tag::name).toList()
                : scope.tags(index).stream().map(RepositoryScope.Tagged::tag).toList();
    }

    /** Read from every convention, built once per version of {@code index.json}. */
    @Override
    public synchronized List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
        ImageIndex current = layout.index().read();
        if (lookup == null || lookupOf != current) {
            lookup = ReferrerIndex.build(layout, current);
            lookupOf = current;
        }
        List<Descriptor> out = new ArrayList<>();
        for (Referrer r : lookup.referrers(subject, artifactType, scope)) {
            out.add(r.descriptor());
        }
        return out;
    }

    @Override
    public Stage stage() {
        return new LayoutStage();
    }

    /** Stores the manifest (kept as it is when an intact copy is there) once what it references is present. */
    private Manifest store(RawManifest manifest) throws IOException {
        Manifest m = manifest.manifest();
        layout.blobs().requirePresent(stored(m));
        layout.blobs().put(manifest.open(), manifest.descriptor(), null);
        return m;
    }

    private ReferrerStrategy strategy() throws IOException {
        ReferrerStrategy s = recordAs != null ? recordAs : Referrers.choose(layout, null, false);
        return scope == null ? s : s.in(scope);
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

    /**
     * A copy into the layout: blobs and manifests are stored as they come; referrers and the root are
     * recorded in one {@code index.json} update at commit, after checking that all of it is still present.
     */
    private final class LayoutStage implements Stage, BlobMount {
        private final Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
        /** Everything the copy placed or found here: all of it must still be present at commit. */
        private final Set<Descriptor> needed = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

        @Override
        public synchronized void pushManifest(RawManifest manifest) throws IOException {
            Manifest m = store(manifest);
            placed(manifest.descriptor(), true);
            if (m.subject() != null) {
                referrersOf.computeIfAbsent(m.subject().digest(), k -> new ArrayList<>())
                        .add(ReferrerIndex.responseDescriptor(manifest.descriptor(), m));
            }
        }

        @Override
        public synchronized void commit(Descriptor root, String tag) throws IOException {
            String name = tag == null ? null : refName(tag);
            ReferrerStrategy strategy = referrersOf.isEmpty() ? null : strategy();
            List<Descriptor> present;
            synchronized (needed) {
                present = new ArrayList<>(needed);
            }
            present.add(root);
            layout.index().update(index -> {
                layout.blobs().requirePresent(present);
                ImageIndex next = name != null ? Tags.tag(index, name, root) : Tags.addUntagged(index, root);
                for (Map.Entry<Digest, List<Descriptor>> e : referrersOf.entrySet()) {
                    next = strategy.addAll(layout, next, e.getKey(), e.getValue());
                }
                return next;
            });
        }

        @Override
        public void tag(Descriptor manifest, String tag) throws IOException {
            LayoutTarget.this.tag(manifest, tag);
        }

        @Override
        public InputStream fetch(Descriptor blob) throws IOException {
            return LayoutTarget.this.fetch(blob);
        }

        @Override
        public boolean exists(Descriptor blob) throws IOException {
            return placed(blob, LayoutTarget.this.exists(blob));
        }

        @Override
        public void push(Descriptor expected, InputStream content) throws IOException {
            LayoutTarget.this.push(expected, content);
            placed(expected, true);
        }

        @Override
        public boolean mount(Descriptor blob, ReadOnlyTarget source) throws IOException {
            return placed(blob, LayoutTarget.this.mount(blob, source));
        }

        private boolean placed(Descriptor blob, boolean here) {
            if (here && blob.data() == null) {
                needed.add(Descriptor.of(blob.mediaType(), blob.digest(), blob.size()));
            }
            return here;
        }

        @Override
        public Descriptor resolve(String reference) throws IOException {
            return LayoutTarget.this.resolve(reference);
        }

        @Override
        public RawManifest fetchManifest(Descriptor manifest) throws IOException {
            return LayoutTarget.this.fetchManifest(manifest);
        }

        @Override
        public List<String> tags() throws IOException {
            return LayoutTarget.this.tags();
        }

        @Override
        public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
            return LayoutTarget.this.referrers(subject, artifactType);
        }
    }
}
