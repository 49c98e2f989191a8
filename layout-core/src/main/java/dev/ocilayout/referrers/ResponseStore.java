package dev.ocilayout.referrers;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where the referrers responses of the response-index and fallback-tag conventions are kept: a layout's
 * blobs, or, for an index being built that is not a layout's (an archive being written), bytes held beside
 * it and written with it. A strategy reads and writes them only through this.
 */
public interface ResponseStore {
    /** The referrers a stored response lists. */
    List<Descriptor> entries(Descriptor response) throws IOException;

    /** Stores a response listing {@code referrers} and returns its descriptor. */
    Descriptor store(List<Descriptor> referrers) throws IOException;

    /** A layout's blobs. */
    static ResponseStore of(Layout layout) {
        return new ResponseStore() {
            @Override
            public List<Descriptor> entries(Descriptor response) throws IOException {
                return ResponseIndexes.entries(layout, response);
            }

            @Override
            public Descriptor store(List<Descriptor> referrers) throws IOException {
                return ResponseIndexes.store(layout, referrers);
            }
        };
    }

    /** Responses made for an index that is not a layout's, held in {@code made} (digest to bytes) to be written with it. */
    static ResponseStore inMemory(Map<Digest, byte[]> made) {
        return new ResponseStore() {
            @Override
            public List<Descriptor> entries(Descriptor response) throws IOException {
                byte[] bytes = made.get(response.digest());
                if (bytes == null) {
                    throw new NotFoundException("referrers response " + response.digest() + " is not among those made here");
                }
                return ModelJson.parseIndex(bytes, "referrers response " + response.digest()).manifests();
            }

            @Override
            public Descriptor store(List<Descriptor> referrers) {
                byte[] bytes = ResponseIndexes.bytes(referrers);
                Descriptor d = Descriptor.of(MediaType.OCI_INDEX, Digest.sha256(bytes), bytes.length);
                made.put(d.digest(), bytes);
                return d;
            }
        };
    }
}
