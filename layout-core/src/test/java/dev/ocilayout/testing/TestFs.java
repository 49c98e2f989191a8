package dev.ocilayout.testing;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Feature;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/** In-memory file systems for unit tests. */
public final class TestFs {
    private TestFs() {
    }

    /** A fresh Unix-like jimfs with symbolic links, links and file channels; returns its /work directory. */
    public static Path unixRoot() {
        FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
                .setSupportedFeatures(Feature.LINKS, Feature.SYMBOLIC_LINKS, Feature.FILE_CHANNEL, Feature.SECURE_DIRECTORY_STREAM)
                .setAttributeViews("basic", "posix")
                .build());
        return fs.getPath("/work");
    }
}
