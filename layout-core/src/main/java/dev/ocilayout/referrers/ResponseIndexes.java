package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing referrers-response image indexes (shared by the response-index and fallback-tag strategies). */
final class ResponseIndexes {
    private ResponseIndexes() {
    }

    /** The entries of a stored referrers response. */
    static List<Descriptor> entries(Layout layout, Descriptor response) throws IOException {
        Manifest m = layout.readManifest(response);
        if (!(m instanceof ImageIndex index)) {
            throw new InvalidContentException(response.digest() + " is not a referrers index");
        }
        return index.manifests();
    }

    /** The list with {@code referrer} in it: replaced in place if listed (fresh annotations), else appended. */
    static List<Descriptor> withReferrer(List<Descriptor> listed, Descriptor referrer) {
        List<Descriptor> next = new ArrayList<>(listed.size() + 1);
        boolean placed = false;
        for (Descriptor d : listed) {
            if (d.digest().equals(referrer.digest())) {
                if (!placed) {
                    next.add(referrer);
                    placed = true;
                }
            } else {
                next.add(d);
            }
        }
        if (!placed) {
            next.add(referrer);
        }
        return next;
    }

    /** The list with every one of {@code referrers} in it (see {@link #withReferrer}). */
    static List<Descriptor> withReferrers(List<Descriptor> listed, List<Descriptor> referrers) {
        List<Descriptor> next = listed;
        for (Descriptor referrer : referrers) {
            next = withReferrer(next, referrer);
        }
        return next;
    }

    /** Stores a referrers response listing {@code referrers} and returns its descriptor. */
    static Descriptor store(Layout layout, List<Descriptor> referrers) throws IOException {
        return layout.blobs().put(bytes(referrers), MediaType.OCI_INDEX);
    }

    /** The bytes of a referrers response listing {@code referrers}. */
    static byte[] bytes(List<Descriptor> referrers) {
        return ModelJson.toBytes(new ImageIndex(2, MediaType.OCI_INDEX, null, referrers, null, null, null), false);
    }
}
