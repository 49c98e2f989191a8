package dev.ocilayout.gc;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.graph.FailClosed;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removing {@code index.json} entries ({@code untag}, a registry's manifest DELETE). What an entry reached
 * stays in {@code blobs/} until gc; so that gc never removes what only an unreadable manifest knew of, an
 * entry whose content cannot be read is not removed unless the caller says so ({@link FailClosed}).
 */
public final class Untagging {
    private Untagging() {
    }

    /**
     * Removes the tags, all or none.
     *
     * @param ignoreUnreadable remove them even when what they name cannot be read
     * @throws dev.ocilayout.error.NotFoundException when a tag is not there
     * @throws dev.ocilayout.error.UnreadableContentException when what a removed entry reaches cannot be read
     */
    public static void untag(Layout layout, List<String> tags, boolean ignoreUnreadable) throws IOException {
        layout.index().update(index -> {
            ImageIndex next = index;
            for (String t : tags) {
                next = Tags.untag(next, t);
            }
            return checked(layout, index, next, "untag " + String.join(", ", tags), ignoreUnreadable);
        });
    }

    /**
     * Removes every entry listing {@code digest}.
     *
     * @return whether any entry listed it
     */
    public static boolean removeDigest(Layout layout, Digest digest, boolean ignoreUnreadable) throws IOException {
        return removeDigest(layout, digest, null, ignoreUnreadable);
    }

    /**
     * Removes the entries listing {@code digest} that one repository of the layout sees: its own names of it
     * and the unnamed entries (shared by every repository); another repository's names of it stay.
     *
     * @param scope the repository, or null for every entry
     * @return whether any such entry listed it
     */
    public static boolean removeDigest(Layout layout, Digest digest, RepositoryScope scope, boolean ignoreUnreadable)
            throws IOException {
        boolean[] found = {false};
        layout.index().update(index -> {
            ImageIndex next = index.without(d -> d.digest().equals(digest)
                    && (scope == null || d.refName() == null || scope.holds(d.refName())));
            found[0] = next.manifests().size() != index.manifests().size();
            return found[0] ? checked(layout, index, next, "delete " + digest, ignoreUnreadable) : index;
        });
        return found[0];
    }

    private static ImageIndex checked(Layout layout, ImageIndex before, ImageIndex after, String action,
                                      boolean ignoreUnreadable) throws IOException {
        if (!ignoreUnreadable) {
            FailClosed.requireReadable(layout, removed(before, after), action);
        }
        return after;
    }

    /** The entries of {@code before} that {@code after} no longer lists. */
    static List<Descriptor> removed(ImageIndex before, ImageIndex after) {
        Set<Descriptor> kept = new HashSet<>(after.manifests());
        List<Descriptor> gone = new ArrayList<>();
        for (Descriptor d : before.manifests()) {
            if (!kept.contains(d)) {
                gone.add(d);
            }
        }
        return gone;
    }
}
