package dev.ocilayout.cli;

import dev.ocilayout.Layout;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Reference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: access to the global options, reference parsing, layout opening and output.
 * Subcommands stay thin adapters over one library call each.
 */
public abstract class LayoutCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    private Output output;

    protected OciLayout root() {
        return OciLayout.root(spec.commandLine());
    }

    protected Output out() {
        if (output == null) {
            OciLayout r = root();
            output = new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), r.json(), r.quiet());
        }
        return output;
    }

    /** A DIR argument, which may be omitted when {@code --layout} is given. */
    protected Path layoutDir(String arg) {
        String layout = root().layoutOption();
        if (arg != null && layout != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the layout either as an argument or with --layout, not both");
        }
        if (arg == null && layout == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing the layout directory argument");
        }
        return Path.of(arg != null ? arg : layout);
    }

    protected Layout open(Path dir) throws IOException {
        return Layout.open(dir, root().layoutOptions());
    }

    /** A layout and the descriptor a reference names in it. */
    protected record Resolved(Layout layout, Reference reference, Descriptor descriptor) {
    }

    /**
     * Parses a REF argument that must name a tag or digest in a layout ({@code DIR:TAG}, {@code oci:DIR:REF},
     * {@code DIR@DIGEST}), opens its layout and resolves it.
     */
    protected Resolved resolve(String arg) throws IOException {
        Address a = contentAddress(arg);
        if (a.kind() != Address.Kind.LAYOUT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + arg + "': this command works on a layout"
                    + " here (" + Address.Kind.LAYOUT.form() + ")");
        }
        Layout layout = open(Path.of(a.location()));
        Descriptor d = new LayoutTarget(layout).resolve(a.reference());
        return new Resolved(layout, new Reference(a.location(), a.name(), a.digest()), d);
    }

    /**
     * Parses any reference (spec-notes/references.md): with {@code --layout DIR}, {@code arg} is a tag, a full
     * ref.name or a digest in that layout.
     */
    protected Address address(String arg) {
        String layout = root().layoutOption();
        try {
            return layout != null ? Address.inLayout(layout, arg) : Address.parse(arg);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** An address that must name a tag or digest. */
    protected Address contentAddress(String arg) {
        Address a = address(arg);
        if (a.isLocationOnly()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "reference '" + arg + "' names no tag or"
                    + " digest; write " + a.kind().form());
        }
        return a;
    }

    /** What an address names, opened to read: a layout, an archive in place, or a registry repository. */
    protected ReadOnlyTarget read(Address a, RegistryOptions registry) throws IOException {
        return Targets.read(a, root().layoutOptions(), registry, root().stdin());
    }

    /** The layout in {@code dir}, created (with the folder) when there is none. */
    protected Layout openOrCreate(Path dir) throws IOException {
        return Layout.create(dir, root().layoutOptions());
    }
}
