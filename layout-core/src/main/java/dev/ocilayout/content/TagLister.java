package dev.ocilayout.content;

import java.io.IOException;
import java.util.List;

/** What tags there are, in name order. */
public interface TagLister {
    List<String> tags() throws IOException;
}
