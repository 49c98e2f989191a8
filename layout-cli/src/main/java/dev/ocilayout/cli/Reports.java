package dev.ocilayout.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Finding.Severity;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.fsck.Repair;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.model.Descriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The JSON shape of each report the library returns, one method per report type, so that every command
 * that prints one prints it the same way (README, "JSON output").
 */
public final class Reports {
    private Reports() {
    }

    /** A descriptor's three identifying fields, as the first keys of an object. */
    public static ObjectNode identity(Descriptor d) {
        return Output.object().put("digest", d.digest().toString()).put("mediaType", d.mediaType()).put("size", d.size());
    }

    /** One copy: the root as copied, its tag there, and what moved. */
    public static ObjectNode copy(TargetCopy.Report r) {
        ObjectNode n = identity(r.root());
        if (r.tag() != null) {
            n.put("tag", r.tag());
        }
        n.put("filtered", r.filtered()).put("blobs", r.blobs()).put("mounted", r.mounted())
                .put("copied", r.copied()).put("skipped", r.skipped()).put("bytes", r.bytes())
                .put("referrers", r.referrers().size());
        if (!r.cosignTags().isEmpty()) {
            r.cosignTags().forEach(n.putArray("cosignTags")::add);
        }
        return n;
    }

    /** What gc removed (or would), sorted by digest, and what it kept and met. */
    public static ObjectNode gc(GarbageCollector.Report r, Path root) {
        ObjectNode json = Output.object().put("dryRun", r.dryRun()).put("live", r.live())
                .put("liveBytes", r.liveBytes()).put("reclaimedBytes", r.reclaimedBytes())
                .put("keptYoung", r.keptYoung());
        ArrayNode removed = json.putArray("removed");
        sortedRemovals(r).forEach(x -> removed.addObject().put("digest", x.digest().toString()).put("size", x.size()));
        ArrayNode temps = json.putArray("temps");
        r.temps().forEach(t -> temps.add(root.relativize(t).toString()));
        ArrayNode dropped = json.putArray("droppedEntries");
        r.droppedEntries().forEach(d -> dropped.add(Output.descriptor(d)));
        ArrayNode referrers = json.putArray("referrersKept");
        r.referrersKept().forEach(d -> referrers.add(d.toString()));
        ArrayNode problems = json.putArray("problems");
        r.problems().forEach(p -> problems.addObject().put("code", p.code().name())
                .put("digest", p.digest().toString()).put("message", p.message()));
        return json;
    }

    /** The report lists removals in directory order; people and diffs read them sorted by digest. */
    public static List<GarbageCollector.Removal> sortedRemovals(GarbageCollector.Report r) {
        List<GarbageCollector.Removal> list = new ArrayList<>(r.removed());
        list.sort(Comparator.comparing(GarbageCollector.Removal::digest));
        return list;
    }

    /** An fsck: its verdict, counts, the repairs made first, and every finding. */
    public static ObjectNode fsck(Fsck.Report r, List<Repair.Action> repairs, boolean failed) {
        ObjectNode json = Output.object().put("clean", !failed).put("manifests", r.manifests())
                .put("blobsVerified", r.blobsVerified()).put("bytesVerified", r.bytesVerified())
                .put("orphans", r.orphans()).put("errors", r.count(Severity.ERROR))
                .put("warnings", r.count(Severity.WARNING)).put("notes", r.count(Severity.INFO));
        ArrayNode repaired = json.putArray("repairs");
        for (Repair.Action a : repairs) {
            ObjectNode n = repaired.addObject().put("code", a.code()).put("message", a.message());
            if (a.digest() != null) {
                n.put("digest", a.digest().toString());
            }
            if (a.file() != null) {
                n.put("file", a.file());
            }
        }
        ArrayNode findings = json.putArray("findings");
        for (Finding f : r.findings()) {
            ObjectNode n = findings.addObject().put("severity", f.severity().name().toLowerCase(Locale.ROOT))
                    .put("code", f.code()).put("message", f.message());
            if (f.digest() != null) {
                n.put("digest", f.digest().toString());
            }
            if (f.file() != null) {
                n.put("file", f.file());
            }
            if (!f.via().isEmpty()) {
                ArrayNode via = n.putArray("via");
                f.via().forEach(d -> via.add(d.toString()));
            }
        }
        return json;
    }

    /** An import: the archive's format and compression, what was written, and each image with its tag. */
    public static ObjectNode importReport(LayoutImport.Report r) {
        ObjectNode n = Output.object().put("format", r.format()).put("compression", r.compression().name()
                        .toLowerCase(Locale.ROOT))
                .put("blobsWritten", r.blobsWritten()).put("blobsPresent", r.blobsPresent())
                .put("bytesWritten", r.bytesWritten()).put("referrers", r.referrers())
                .put("unneededRemoved", r.unneeded()).put("unneededBytes", r.unneededBytes());
        if (r.referrersAs() != null) {
            n.put("referrersAs", r.referrersAs());
        }
        ArrayNode images = n.putArray("images");
        for (LayoutImport.Imported i : r.images()) {
            ObjectNode o = identity(i.descriptor());
            images.add(o);
            if (i.tag() != null) {
                o.put("tag", i.tag()).put("tagged", !r.skippedTags().contains(i.tag()));
            }
        }
        r.skippedTags().forEach(n.putArray("skippedTags")::add);
        r.ignored().forEach(n.putArray("ignoredEntries")::add);
        return n;
    }

    /** An export: the archive format, blobs and bytes written, entries, and blobs left out. */
    public static ObjectNode export(LayoutExport.Format format, LayoutExport.Report r) {
        return Output.object().put("format", format.name().toLowerCase(Locale.ROOT))
                .put("blobs", r.blobs()).put("bytes", r.bytes())
                .put("entries", r.index().manifests().size()).put("excluded", r.excluded());
    }
}
