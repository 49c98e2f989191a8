package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;

/** Names a stored manifest with a tag (moving the tag if it named something else). */
public interface Tagger {
    void tag(Descriptor manifest, String tag) throws IOException;
}
