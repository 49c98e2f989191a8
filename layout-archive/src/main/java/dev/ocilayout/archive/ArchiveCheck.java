package dev.ocilayout.archive;

import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Finding.Severity;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * fsck of an archive before it is carried across an air gap, with nothing extracted or written: one
 * streaming pass indexes the archive and hashes every blob against its name (and, for a docker-archive,
 * every layer as its manifest is made); then the graph from its {@code index.json} is walked over the
 * archive's roles, so a blob that is missing, of another size than its descriptor says, or a manifest that
 * does not parse, is reported with the path that reached it. Blobs nothing reaches are noted.
 */
public final class ArchiveCheck {
    private ArchiveCheck() {
    }

    public static Fsck.Report check(Path file, LayoutOptions options) throws IOException {
        ArchiveTarget.Verification verify = new ArchiveTarget.Verification();
        ArchiveTarget archive = ArchiveTarget.open(file, options, verify);
        List<Finding> findings = new ArrayList<>();
        for (ArchiveTarget.Verification.Mismatch m : verify.mismatches()) {
            findings.add(new Finding(Severity.ERROR, "DIGEST_MISMATCH", m.expected(), m.name(), "blob " + m.expected()
                    + " in " + file + " hashes to " + m.actual(), null));
        }
        List<Descriptor> roots = archive.index().manifests();
        Graph graph = GraphWalker.walk(archive, roots);
        java.util.Set<Digest> expected = archive.expectedBlobs();
        for (Graph.Problem p : graph.problems()) {
            if (p.code() == Graph.ProblemCode.MISSING_BLOB && expected.contains(p.digest())) {
                // a delta archive: left out because the destination has it, as the archive says
                findings.add(new Finding(Severity.INFO, "EXPECTED_AT_DESTINATION", p.digest(), null, "blob " + p.digest()
                        + " is left out of this delta archive; the destination must have it (" + LayoutExport.EXPECTED_BLOBS
                        + ")", p.path()));
                continue;
            }
            findings.add(new Finding(Severity.ERROR, p.code().name(), p.digest(), null, p.message(), p.path()));
        }
        int manifests = 0;
        for (Graph.Node n : graph.nodes().values()) {
            if (n.isManifestLike()) {
                manifests++;
            }
            long stored = n.presence() == Graph.Presence.PRESENT ? archive.storedSize(n.digest()) : -1;
            if (stored >= 0 && stored != n.descriptor().size()) {
                findings.add(new Finding(Severity.ERROR, "SIZE_MISMATCH", n.digest(), null, "blob " + n.digest() + " is "
                        + stored + " bytes in " + file + " but its descriptor says " + n.descriptor().size(), null));
            }
        }
        int orphans = 0;
        for (Digest d : archive.blobDigests()) {
            if (!graph.reachable().contains(d)) {
                orphans++;
                findings.add(new Finding(Severity.INFO, "ORPHAN", d, null, "blob " + d
                        + " is not reachable from the archive's index.json", null));
            }
        }
        findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::code)
                .thenComparing(f -> f.digest() == null ? "" : f.digest().toString()));
        return new Fsck.Report(List.copyOf(findings), manifests, verify.blobs(), verify.bytes(), orphans);
    }
}
