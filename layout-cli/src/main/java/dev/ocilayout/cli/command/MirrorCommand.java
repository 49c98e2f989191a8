package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.archive.Compression;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.mirror.ImageSet;
import dev.ocilayout.mirror.Mirror;
import dev.ocilayout.mirror.MirrorExport;
import dev.ocilayout.mirror.MirrorImport;
import dev.ocilayout.mirror.MirrorPush;
import dev.ocilayout.model.Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Fill a store (one layout holding many repositories by full names) with every image a set"
                + " selects, with referrers; blobs shared once, what is there skipped: run it again for what changed.",
            "The set is skopeo sync's YAML as is, kind: ImageSet (platforms, referrers, plain-http), or oc-mirror's"
                    + " ImageSetConfiguration (its additionalImages); see spec-notes/image-sets.md. Then carry it: mirror export, mirror import, mirror push."},
        subcommands = {MirrorCommand.Export.class, MirrorCommand.Import.class, MirrorCommand.Push.class},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout mirror images.yaml ./store", "  oci-layout mirror images.yaml ./store --dry-run",
            "  oci-layout mirror export ./store -o /media/usb/week-48 \\", "      --max-archive-size 4GiB",
            "  oci-layout mirror import /media/usb/week-48 ./store",
            "  oci-layout mirror push ./store registry.inside:5000/mirror -o ./mirror-config"})
public final class MirrorCommand extends LayoutCommand {
    // optional for picocli, so that "mirror export ..." is not asked for them; call() requires them
    @Parameters(index = "0", arity = "0..1", paramLabel = "SET", description = "The image-set file (YAML or JSON).")
    Path setFile;

    @Parameters(index = "1", arity = "0..1", paramLabel = "STORE", description = "The store: a layout (created if missing).")
    Path store;

    @Option(names = "--dry-run", description = "Say what would be copied; copy nothing.")
    boolean dryRun;

    @Option(names = "--parallel", paramLabel = "N", description = "Blobs fetched at once per image"
            + " (default: ${DEFAULT-VALUE}).")
    int parallel = 4;

    @Option(names = "--images-per-registry", paramLabel = "N", description = "Images copied at once from one registry"
            + " (default: ${DEFAULT-VALUE}).")
    int imagesPerRegistry = 4;

    @Override
    public Integer call() throws Exception {
        if (setFile == null || store == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give SET and STORE (mirror images.yaml ./store),"
                    + " or one of mirror export, import, push");
        }
        ImageSet set = ImageSet.parse(Files.readAllBytes(setFile), setFile.toString());
        Layout layout = dryRun && !Files.exists(store) ? null : openOrCreate(store);
        Mirror.Report r = layout == null ? dryRunWithoutStore(set) : Mirror.run(set, layout, new Mirror.Options(dryRun, parallel, imagesPerRegistry));
        if (out().json()) {
            ArrayNode items = Output.object().arrayNode();
            for (Mirror.Item i : r.items()) {
                ObjectNode n = items.addObject().put("repository", i.repository()).put("reference", i.reference())
                        .put("status", i.status().name().toLowerCase(java.util.Locale.ROOT)).put("bytes", i.bytes());
                if (i.digest() != null) {
                    n.put("digest", i.digest().toString());
                }
                if (i.message() != null) {
                    n.put("message", i.message());
                }
            }
            out().json(Output.object().put("store", store.toString()).set("items", items));
        } else {
            for (Mirror.Item i : r.items()) {
                if (i.status() != Mirror.Status.PRESENT) {
                    out().info(i.status().name().toLowerCase(java.util.Locale.ROOT) + " " + i.repository()
                            + (i.reference().startsWith("sha256:") ? "@" : ":") + i.reference()
                            + (i.message() != null ? ": " + i.message() : i.digest() != null ? " " + i.digest() : ""));
                }
            }
            out().info((dryRun ? "Would mirror " : "Mirrored ") + Output.count(r.items().size(), "image") + " into " + store
                    + ": " + r.count(Mirror.Status.ADDED) + " added, " + r.count(Mirror.Status.UPDATED) + " updated, "
                    + r.count(Mirror.Status.PRESENT) + " already there"
                    + (dryRun ? ", " + r.count(Mirror.Status.WOULD_COPY) + " to copy" : "")
                    + ", " + r.count(Mirror.Status.FAILED) + " failed");
        }
        return r.count(Mirror.Status.FAILED) > 0 ? 1 : 0;
    }

    /** A dry run into a store that does not exist yet: an empty scratch store, removed again. */
    private Mirror.Report dryRunWithoutStore(ImageSet set) throws Exception {
        try (dev.ocilayout.cli.TempDir scratch = dev.ocilayout.cli.TempDir.create("oci-layout-mirror-dry-run")) {
            return Mirror.run(set, Layout.create(scratch.path().resolve("store")), new Mirror.Options(true, parallel, imagesPerRegistry));
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write what the store gained since its last export into a folder: parts (OCI archives that"
                    + " fsck checks each on its own, of at most --max-archive-size of blobs) and toc.json with every"
                    + " part's digest. The store records what it exported; the next export carries only what is new.",
                "With --exclude-blobs-from, the delta is against the other side's own list (oci-layout blobs STORE)."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout mirror export ./store -o /media/usb/week-48",
                "  oci-layout mirror export ./store -o out --max-archive-size 4GiB \\", "      --compress zstd"})
    public static final class Export extends LayoutCommand {
        @Parameters(paramLabel = "STORE", description = "The store.")
        Path store;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The folder to write.")
        Path output;

        @Option(names = "--max-archive-size", paramLabel = "SIZE", converter = Converters.SizeConverter.class,
                description = "The most blob bytes in one part, e.g. 4GiB (default: one part).")
        long maxSize;

        @Option(names = "--exclude-blobs-from", paramLabel = "LIST",
                description = "The other side's blobs (oci-layout blobs STORE > list) instead of what was exported before.")
        Path exclude;

        @Option(names = "--compress", paramLabel = "none|gzip|zstd", description = "Compression of the parts"
                + " (default: ${DEFAULT-VALUE}).")
        Compression compress = Compression.NONE;

        @Override
        public Integer call() throws Exception {
            MirrorExport.Options options = new MirrorExport.Options(maxSize, exclude == null ? null
                    : MirrorExport.base(Files.readAllBytes(exclude), exclude.toString()), compress);
            MirrorExport.Report r = MirrorExport.run(open(store), output, options);
            if (out().json()) {
                ArrayNode parts = Output.object().arrayNode();
                for (MirrorExport.Part p : r.parts()) {
                    ObjectNode n = parts.addObject().put("file", p.file()).put("digest", p.digest().toString())
                            .put("size", p.size()).put("blobs", p.blobs()).put("blobBytes", p.blobBytes());
                    p.images().forEach(n.putArray("images")::add);
                }
                out().json(Output.object().put("output", output.toString()).put("images", r.images()).put("blobs", r.blobs())
                        .put("bytes", r.bytes()).put("expected", r.expected()).set("parts", parts));
            } else {
                out().info(r.empty() ? "Nothing changed since the last export; " + output + "/toc.json lists no parts"
                        : "Exported " + Output.count(r.images(), "image") + " in " + Output.count(r.parts().size(), "part")
                        + " to " + output + ": " + Output.count(r.blobs(), "new blob") + " (" + Output.humanSize(r.bytes())
                        + "), building on " + Output.count(r.expected(), "blob") + " the other side has");
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Bring an export into a store inside. Every part is verified against toc.json first (none"
                    + " missing, extra, altered or swapped) and the store must hold what the delta builds on;"
                    + " only then is anything imported, part by part, names kept. With --require-signature, every"
                    + " image the parts tag must be signed too (the signature in the parts or the store)."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout mirror import /media/usb/week-48 ./store",
                    "  oci-layout mirror import /media/usb/week-48 ./store \\", "      --require-signature cosign.pub"})
    public static final class Import extends LayoutCommand {
        @Parameters(index = "0", paramLabel = "DIR", description = "The folder mirror export wrote.")
        Path dir;

        @Parameters(index = "1", paramLabel = "STORE", description = "The store (created if missing).")
        Path store;

        @Mixin
        dev.ocilayout.cli.SignaturePolicy signatures;

        @Override
        public Integer call() throws Exception {
            MirrorImport.Report r = MirrorImport.run(dir, openOrCreate(store), signatures.active() ? signatures.keys()
                    : java.util.List.of());
            if (out().json()) {
                ArrayNode images = Output.object().arrayNode();
                r.images().forEach(images::add);
                out().json(Output.object().put("store", store.toString()).put("parts", r.parts())
                        .put("blobsWritten", r.blobsWritten()).put("bytesWritten", r.bytesWritten()).set("images", images));
            } else {
                out().info("Imported " + Output.count(r.parts(), "part") + " into " + store + ": "
                        + Output.count(r.images().size(), "image") + ", " + Output.count(r.blobsWritten(), "blob")
                        + " written (" + Output.humanSize(r.bytesWritten()) + ")");
            }
            return 0;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Publish a store to a registry inside: every repository with its tags, images by digest and"
                    + " referrers, under REGISTRY/PREFIX/ and its path without its registry (docker.io/library/nginx to"
                    + " PREFIX/library/nginx); what is there is skipped. Writes registries.conf (a containers snippet for"
                    + " podman, CRI-O, buildah) and mapping.json into -o DIR."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout mirror push ./store registry.inside:5000/mirror -o ./mirror-config",
                "  sudo cp mirror-config/registries.conf \\", "      /etc/containers/registries.conf.d/50-mirror.conf"})
    public static final class Push extends LayoutCommand {
        @Parameters(index = "0", paramLabel = "STORE", description = "The store.")
        Path store;

        @Parameters(index = "1", paramLabel = "REGISTRY[/PREFIX]", description = "Where to publish.")
        String where;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write registries.conf and"
                + " mapping.json (default: the current folder).")
        Path config = Path.of(".");

        @Option(names = "--parallel", paramLabel = "N", description = "Blobs sent at once (default: ${DEFAULT-VALUE}).")
        int parallel = 4;

        @Mixin
        RegistryOptions registry;

        @Mixin
        dev.ocilayout.cli.SignaturePolicy signatures;

        @Override
        public Integer call() throws Exception {
            int slash = where.indexOf('/');
            String host = slash < 0 ? where : where.substring(0, slash);
            String prefix = slash < 0 ? "" : where.substring(slash + 1);
            if (!Address.looksLikeRegistry(host + "/x") || !prefix.isEmpty() && !Address.isRepositoryName(prefix)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + where + "' is not REGISTRY[/PREFIX]"
                        + " (registry.inside:5000/mirror)");
            }
            MirrorPush.Report r = MirrorPush.run(open(store), registry.client(host, root().stdin()), prefix,
                    new MirrorPush.Options(parallel, registry.notVerified(), signatures.active() ? signatures.keys()
                            : java.util.List.of()));
            Files.createDirectories(config);
            Files.writeString(config.resolve("registries.conf"), r.registriesConf(), StandardCharsets.UTF_8);
            Files.writeString(config.resolve("mapping.json"), r.mapping(), StandardCharsets.UTF_8);
            if (out().json()) {
                ArrayNode list = Output.object().arrayNode();
                for (MirrorPush.Pushed p : r.repositories()) {
                    ObjectNode n = list.addObject().put("source", p.source()).put("mirror", p.mirror());
                    p.tags().forEach(n.putArray("tags")::add);
                    p.digests().forEach(n.putArray("digests")::add);
                    p.failures().forEach(n.putArray("failures")::add);
                }
                out().json(Output.object().put("registriesConf", config.resolve("registries.conf").toString())
                        .put("mapping", config.resolve("mapping.json").toString()).set("repositories", list));
            } else {
                for (MirrorPush.Pushed p : r.repositories()) {
                    out().info("Pushed " + p.source() + " -> " + p.mirror() + ": " + Output.count(p.tags().size(), "tag")
                            + (p.digests().isEmpty() ? "" : ", " + Output.count(p.digests().size(), "digest")));
                    p.failures().forEach(f -> out().warn(p.source() + ": " + f));
                }
                out().info("Wrote " + config.resolve("registries.conf") + " and " + config.resolve("mapping.json"));
            }
            return r.failures() > 0 ? 1 : 0;
        }
    }
}
