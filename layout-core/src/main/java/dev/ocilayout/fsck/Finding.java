package dev.ocilayout.fsck;

import dev.ocilayout.digest.Digest;
import java.util.List;

/**
 * One thing {@link Fsck} found.
 *
 * @param severity ERROR breaks the layout (exit 1); WARNING is suspicious; INFO is legal but worth knowing
 * @param code     stable identifier, e.g. {@code MISSING_BLOB}
 * @param digest   the content concerned, or null
 * @param file     the file concerned, relative to the layout, or null
 * @param message  one line for people
 * @param via      digests from an {@code index.json} entry down to {@code digest}, when reached by a walk
 */
public record Finding(Severity severity, String code, Digest digest, String file, String message, List<Digest> via) {
    public enum Severity { ERROR, WARNING, INFO }

    public Finding {
        via = via == null ? List.of() : List.copyOf(via);
    }
}
