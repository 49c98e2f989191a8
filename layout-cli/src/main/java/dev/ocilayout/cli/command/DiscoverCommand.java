package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "discover", mixinStandardHelpOptions = true,
        description = {"List the referrers of content (signatures, SBOMs, attestations), whichever tool recorded them:"
                + " untagged entries (oras), subject annotations (containerd), response indexes (olareg, image-spec"
                + " PR #1171), fallback tags (regclient), BuildKit attestations, and with --scan-blobs manifests only in"
                + " blobs/ (cosign save).",
            "--format json prints exactly the referrers response a registry would return for REF; the default tree"
                    + " shows referrers of referrers too."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout discover ./layout:v1", "  oci-layout discover ./layout:v1 --artifact-type application/spdx+json",
            "  oci-layout discover ./layout@sha256:0123... --format json", "  oci-layout discover ./cosign-saved@sha256:0123... --scan-blobs",
            "  oci-layout discover oci-archive:app.tar:v1", "  oci-layout discover localhost:5000/team/app:v1 --plain-http"})
public final class DiscoverCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "The subject, in a layout, an archive (read in place) or a registry:"
            + " DIR:TAG, DIR@DIGEST, oci-archive:FILE:REF, REGISTRY/REPO:TAG, ... (spec-notes/references.md).")
    String ref;

    @Option(names = "--artifact-type", paramLabel = "TYPE", description = "Only referrers of this artifact type.")
    String artifactType;

    @Option(names = "--depth", paramLabel = "N", description = "Levels of referrers of referrers in the tree (default: all).")
    int depth = -1;

    @Option(names = "--scan-blobs", description = "Also find referrers that exist only in blobs/ (reads every small blob).")
    boolean scanBlobs;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address a = contentAddress(ref);
        if (a.kind() != Address.Kind.LAYOUT) {
            return elsewhere(a);
        }
        Resolved t = resolve(ref);
        ReferrerIndex index = ReferrerIndex.build(t.layout(), scanBlobs);
        Digest subject = t.descriptor().digest();
        List<Referrer> refs = index.referrers(subject, artifactType);
        if (out().json()) {
            ObjectNode response = Output.object().put("schemaVersion", 2).put("mediaType", MediaType.OCI_INDEX);
            ArrayNode manifests = response.putArray("manifests");
            refs.forEach(r -> manifests.add(Output.descriptor(r.descriptor())));
            out().json(response);
        } else {
            out().line(t.reference().toString() + " " + subject);
            Set<Digest> seen = new HashSet<>();
            seen.add(subject);
            print(index, refs, "", 1, seen);
            if (refs.isEmpty()) {
                out().info("(no referrers" + (artifactType != null ? " of type " + artifactType : "")
                        + (scanBlobs ? "" : "; --scan-blobs also searches manifests only in blobs/") + ")");
            }
        }
        index.problems().forEach(out()::warn);
        return 0;
    }

    /**
     * The referrers of content in an archive read in place (its manifests whose subject is the subject) or a
     * registry repository (its referrers API, else the fallback tag), in the same shapes.
     */
    private int elsewhere(Address a) throws IOException {
        ReadOnlyTarget target = read(a, registry);
        Digest subject = target.resolve(a.reference()).digest();
        List<Descriptor> refs = target.referrers(subject, artifactType);
        if (out().json()) {
            ObjectNode response = Output.object().put("schemaVersion", 2).put("mediaType", MediaType.OCI_INDEX);
            ArrayNode manifests = response.putArray("manifests");
            refs.forEach(r -> manifests.add(Output.descriptor(r)));
            out().json(response);
            return 0;
        }
        out().line(a + " " + subject);
        Set<Digest> seen = new HashSet<>();
        seen.add(subject);
        print(target, refs, "", 1, seen);
        if (refs.isEmpty()) {
            out().info("(no referrers" + (artifactType != null ? " of type " + artifactType : "") + ")");
        }
        return 0;
    }

    private void print(ReadOnlyTarget target, List<Descriptor> refs, String indent, int level, Set<Digest> seen)
            throws IOException {
        for (int i = 0; i < refs.size(); i++) {
            Descriptor d = refs.get(i);
            boolean last = i == refs.size() - 1;
            out().line(indent + (last ? "└── " : "├── ") + (d.artifactType() != null ? d.artifactType()
                    : MediaType.shortName(d.mediaType())) + ' ' + d.digest() + " (" + Output.humanSize(d.size()) + ")");
            String childIndent = indent + (last ? "    " : "│   ");
            for (Map.Entry<String, String> e : d.annotations().entrySet()) {
                out().line(childIndent + "  " + e.getKey() + ": " + e.getValue());
            }
            if ((depth < 0 || level < depth) && seen.add(d.digest())) {
                print(target, target.referrers(d.digest(), null), childIndent, level + 1, seen);
            }
        }
    }

    private void print(ReferrerIndex index, List<Referrer> refs, String indent, int level, Set<Digest> seen) throws IOException {
        for (int i = 0; i < refs.size(); i++) {
            Referrer r = refs.get(i);
            Descriptor d = r.descriptor();
            boolean last = i == refs.size() - 1;
            StringBuilder line = new StringBuilder(indent).append(last ? "└── " : "├── ")
                    .append(d.artifactType() != null ? d.artifactType() : MediaType.shortName(d.mediaType()))
                    .append(' ').append(d.digest()).append(" (").append(Output.humanSize(d.size())).append(", ")
                    .append(String.join(", ", r.sources().stream().map(s -> s.label()).sorted().toList())).append(')');
            out().line(line.toString());
            String childIndent = indent + (last ? "    " : "│   ");
            for (Map.Entry<String, String> a : d.annotations().entrySet()) {
                out().line(childIndent + "  " + a.getKey() + ": " + a.getValue());
            }
            if ((depth < 0 || level < depth) && seen.add(d.digest())) {
                print(index, index.referrers(d.digest(), null), childIndent, level + 1, seen);
            }
        }
    }
}
