package dev.ocilayout.repository;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Target;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.referrers.Referrers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI layout as an offline repository, with the everyday verbs in one place: open or create, resolve,
 * read, tag and untag, push an artifact, attach a referrer, list referrers, copy to or from any other
 * {@link Target} (another layout, a registry repository, an archive read in place), gc and fsck. Each verb
 * is one call into the package that owns it; {@link #layout()} is there for everything else. Export and
 * import are in the {@code layout-archive} module ({@code archive.Archives}), over this same type.
 *
 * <pre>{@code
 * LayoutRepository repo = LayoutRepository.create(Path.of("layout"));
 * repo.push(ArtifactPush.builder().artifactType("application/spdx+json")
 *         .file(Path.of("sbom.json"), "application/spdx+json").build(), "v1");
 * RawManifest m = repo.manifest("v1");          // exact bytes, verified
 * repo.tag("v1", "latest");
 * repo.copyTo("v1", LayoutRepository.create(Path.of("mirror")).target(), "v1", TargetCopy.Options.defaults());
 * }</pre>
 *
 * References are a tag or a digest within this layout ({@code v1}, {@code sha256:...}).
 */
public final class LayoutRepository {
    private final Layout layout;
    private final LayoutTarget target;

    private LayoutRepository(Layout layout) {
        this.layout = layout;
        this.target = new LayoutTarget(layout);
    }

    /** Opens an existing layout. */
    public static LayoutRepository open(Path dir) throws IOException {
        return new LayoutRepository(Layout.open(dir));
    }

    public static LayoutRepository open(Path dir, LayoutOptions options) throws IOException {
        return new LayoutRepository(Layout.open(dir, options));
    }

    /** Opens the layout, creating it (and its folder) when there is none. */
    public static LayoutRepository create(Path dir) throws IOException {
        return new LayoutRepository(Layout.create(dir));
    }

    public static LayoutRepository create(Path dir, LayoutOptions options) throws IOException {
        return new LayoutRepository(Layout.create(dir, options));
    }

    /** The same layout as a repository. */
    public static LayoutRepository of(Layout layout) {
        return new LayoutRepository(layout);
    }

    public Layout layout() {
        return layout;
    }

    /** This layout as a copy source or destination. */
    public Target target() {
        return target;
    }

    /** What a tag or digest names. */
    public Descriptor resolve(String reference) throws IOException {
        return target.resolve(reference);
    }

    /** The exact, verified bytes of what a tag or digest names. */
    public RawManifest manifest(String reference) throws IOException {
        return target.fetchManifest(resolve(reference));
    }

    /** The tags, in name order. */
    public List<String> tags() throws IOException {
        return target.tags();
    }

    /** Names what {@code reference} names with {@code tag} too (moving it if it named something else). */
    public void tag(String reference, String tag) throws IOException {
        target.tag(resolve(reference), tag);
    }

    /** Removes the tags, all or none; fails closed when what they reach cannot be read. */
    public void untag(String... tags) throws IOException {
        Untagging.untag(layout, List.of(tags), false);
    }

    /** Stores an artifact and tags it (untagged when {@code tag} is null). */
    public ArtifactPush.Result push(ArtifactPush artifact, String tag) throws IOException {
        return artifact.push(layout, tag, null);
    }

    /** Stores an artifact as a referrer of what {@code subject} names, recorded by the layout's convention. */
    public Descriptor attach(String subject, ArtifactPush artifact) throws IOException {
        return artifact.attach(layout, resolve(subject), Referrers.choose(layout, null, false), null);
    }

    /** The referrers of what {@code reference} names, in every convention, as a referrers API lists them. */
    public List<Descriptor> referrers(String reference, String artifactType) throws IOException {
        return target.referrers(resolve(reference).digest(), artifactType);
    }

    /** Copies what {@code reference} names here into {@code destination}, tagged {@code tag} there. */
    public TargetCopy.Report copyTo(String reference, Target destination, String tag, TargetCopy.Options options)
            throws IOException {
        return TargetCopy.copy(target, reference, destination, tag, options, null);
    }

    /** Copies what {@code reference} names in {@code source} into this layout, tagged {@code tag} here. */
    public TargetCopy.Report copyFrom(ReadOnlyTarget source, String reference, String tag, TargetCopy.Options options)
            throws IOException {
        return TargetCopy.copy(source, reference, target, tag, options, null);
    }

    /** Removes what nothing reaches, after the default grace period; refuses when a reached manifest is unreadable. */
    public GarbageCollector.Report gc() throws IOException {
        return gc(GarbageCollector.Policy.defaults());
    }

    public GarbageCollector.Report gc(GarbageCollector.Policy policy) throws IOException {
        return GarbageCollector.run(layout, policy);
    }

    /** Verifies every blob and document, on every core. */
    public Fsck.Report fsck() throws IOException {
        return Fsck.check(layout, Runtime.getRuntime().availableProcessors(), null);
    }
}
