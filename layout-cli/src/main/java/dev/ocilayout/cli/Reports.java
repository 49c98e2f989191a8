package dev.ocilayout.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.model.Descriptor;

/**
 * The JSON shape of each report the library returns, one method per report type, so that every command
 * that prints one prints it the same way (README, "JSON output").
 */
public final class Reports {
    private Reports() {
    }

    /** A descriptor's three identifying fields, as the first keys of an object. */
    public static ObjectNode descriptor(Descriptor d) {
        return Output.object().put("digest", d.digest().toString()).put("mediaType", d.mediaType()).put("size", d.size());
    }

    /** One copy: the root as copied, its tag there, and what moved. */
    public static ObjectNode copy(TargetCopy.Report r) {
        ObjectNode n = descriptor(r.root());
        if (r.tag() != null) {
            n.put("tag", r.tag());
        }
        return n.put("filtered", r.filtered()).put("blobs", r.blobs()).put("mounted", r.mounted())
                .put("copied", r.copied()).put("skipped", r.skipped()).put("bytes", r.bytes())
                .put("referrers", r.referrers().size());
    }
}
