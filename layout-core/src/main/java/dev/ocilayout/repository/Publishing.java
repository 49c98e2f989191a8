package dev.ocilayout.repository;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.content.Target;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.io.ProgressListener;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An artifact pushed, or attached as a referrer, to any target (a registry repository): its blobs and
 * manifest are made in a staging layout (each file hashed as it is read once), then the copy engine sends
 * them, the manifest last, tagged or, for a referrer, recorded by the target (a registry's referrers API,
 * else its fallback tag).
 */
public final class Publishing {
    private Publishing() {
    }

    /** Pushes {@code artifact} to {@code target}, tagged {@code tag} (by digest only when null). */
    public static ArtifactPush.Result push(ArtifactPush artifact, Target target, String tag, Path staging,
                                           ProgressListener progress) throws IOException {
        Layout stage = Layout.create(staging);
        ArtifactPush.Result r = artifact.store(stage, progress);
        TargetCopy.copy(new LayoutTarget(stage), r.manifest(), target, tag, TargetCopy.Options.defaults(), null);
        return r;
    }

    /** Attaches {@code artifact} to {@code subject} in {@code target}: a manifest whose subject it is. */
    public static Descriptor attach(ArtifactPush artifact, Target target, Descriptor subject, Path staging,
                                    ProgressListener progress) throws IOException {
        Layout stage = Layout.create(staging);
        ArtifactPush.Result r = artifact.withSubjectOf(subject).store(stage, progress);
        TargetCopy.copy(new LayoutTarget(stage), r.manifest(), target, null, TargetCopy.Options.defaults(), null);
        return r.manifest();
    }
}
