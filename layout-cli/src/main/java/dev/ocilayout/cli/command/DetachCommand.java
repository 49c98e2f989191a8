package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.model.Address;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.registry.RegistryTarget;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "detach", mixinStandardHelpOptions = true,
        description = {"Stop recording a referrer: remove it (and its bookkeeping) from every convention that records it.",
            "Its manifest is deleted too unless something still needs it (a tag naming it, a manifest listing it,"
                    + " referrers of it); its config and layers then go at the next gc."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout detach ./layout@sha256:0123...",
            "  oci-layout detach localhost:5000/team/app@sha256:0123... --plain-http"})
public final class DetachCommand extends LayoutCommand {
    @Parameters(paramLabel = "DIR@DIGEST", description = "The referrer manifest: DIR@DIGEST, or REGISTRY/REPO@DIGEST"
            + " (removed from the subject's fallback tag and deleted, so the referrers API stops listing it).")
    String ref;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address a = address(ref);
        if (a.digest() == null || a.kind() != Address.Kind.REGISTRY && a.kind() != Address.Kind.LAYOUT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + ref + "' names no referrer; write"
                    + " DIR@DIGEST or REGISTRY/REPO@DIGEST");
        }
        Referrers.Detached d = null;
        if (a.kind() == Address.Kind.REGISTRY) {
            ((RegistryTarget) read(a, registry)).detach(a.digest());
        } else {
            d = Referrers.detach(open(Path.of(a.location())), a.digest());
        }
        return report(a.digest(), d);
    }

    private int report(dev.ocilayout.digest.Digest detached, Referrers.Detached d) {
        if (out().json()) {
            var json = Output.object().put("detached", detached.toString());
            if (d != null) {
                json.put("manifestRemoved", d.manifestRemoved());
                if (d.keptBecause() != null) {
                    json.put("keptBecause", d.keptBecause());
                }
            }
            out().json(json);
        } else {
            out().info("Detached " + detached + (d == null ? "" : d.manifestRemoved()
                    ? "; its manifest is removed (its blobs go at the next gc)"
                    : "; its manifest stays: " + d.keptBecause()));
        }
        return 0;
    }
}
