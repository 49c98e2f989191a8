package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --referrers STRATEGY} and {@code --olareg}, for every command that records referrers. */
public final class ReferrersOption {
    @Option(names = "--referrers", paramLabel = "STRATEGY",
            description = "How to record referrers: subject-annotation, referrer-subject or fallback-tag"
                    + " (default: the convention the layout already uses, else subject-annotation).")
    String strategy;

    @Option(names = "--olareg", description = "With referrer-subject: write olareg's org.olareg.referrer.subject key.")
    boolean olareg;

    ReferrerStrategy choose(Layout layout) throws IOException {
        return Referrers.choose(layout, strategy, olareg);
    }
}
