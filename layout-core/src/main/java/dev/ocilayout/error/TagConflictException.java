package dev.ocilayout.error;

import java.util.List;

/** Tags that already name other content in the destination, where the caller asked not to move them. */
public class TagConflictException extends LayoutException {
    private static final long serialVersionUID = 1L;
    private final List<String> tags;

    public TagConflictException(String message, List<String> tags) {
        super(message);
        this.tags = List.copyOf(tags);
    }

    public List<String> tags() {
        return tags;
    }
}
