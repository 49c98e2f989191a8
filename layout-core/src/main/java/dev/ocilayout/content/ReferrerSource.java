package dev.ocilayout.content;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.util.List;

/** The referrers of a subject, as a registry's referrers response lists them, whatever records them. */
public interface ReferrerSource {
    /** @param artifactType only referrers of this type, or null for all */
    List<Descriptor> referrers(Digest subject, String artifactType) throws IOException;
}
