package dev.ocilayout.cli;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.archive.ArchiveTarget;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.registry.RegistryTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Opens what an {@link Address} names as the library's target of its kind: the CLI's one switch on kinds. */
public final class Targets {
    private Targets() {
    }

    /** A layout, an archive read in place, or a registry repository, to read from. */
    public static ReadOnlyTarget read(Address a, LayoutOptions options, RegistryOptions registry, InputStream stdin)
            throws IOException {
        return switch (a.kind()) {
            case LAYOUT -> new LayoutTarget(Layout.open(Path.of(a.location()), options));
            case OCI_ARCHIVE, DOCKER_ARCHIVE -> ArchiveTarget.open(Path.of(a.location()), options);
            case REGISTRY -> new RegistryTarget(registry.client(a.location(), stdin), a.repository());
        };
    }
}
