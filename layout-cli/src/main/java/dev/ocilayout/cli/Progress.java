package dev.ocilayout.cli;

import dev.ocilayout.io.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * One progress line on stderr for long work, redrawn in place and fitted to the terminal's width, then a
 * summary line. It draws only when stderr is a terminal (the launcher tells the JVM with
 * {@code -Doci.layout.tty=true}, and its width with {@code -Doci.layout.columns}), output is not quiet, and
 * the work is over 8 MiB; otherwise it is silent. At most ten redraws a second.
 */
public final class Progress implements ProgressListener, AutoCloseable {
    static final long THRESHOLD = 8L * 1024 * 1024;
    /** The bar's width at most, and the least width worth drawing a bar in. */
    private static final int MAX_BAR = 30;
    private static final int MIN_BAR = 5;
    /** Erase from the cursor to the end of the line: what a shorter redraw leaves behind. */
    private static final String CLEAR_TO_END = "\u001b[K";

    private final PrintStream err;
    private final String label;
    private final int columns;
    private final boolean allowed;
    private final long start = System.nanoTime();
    private long total;
    private boolean active;
    private long done;
    private long lastDraw;

    Progress(PrintStream err, String label, long total, boolean allowed, int columns) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.allowed = allowed;
        this.columns = columns > 0 ? columns : 80;
        this.active = allowed && total >= THRESHOLD;
    }

    /** A progress line for {@code total} bytes (0: told later by {@link #planned}), or a silent one. */
    public static Progress of(OciLayout root, String label, long total) {
        boolean tty = Boolean.getBoolean("oci.layout.tty");
        return new Progress(root.stderr(), label, total, tty && !root.quiet(), Integer.getInteger("oci.layout.columns", 80));
    }

    /** The total, once the library knows it. */
    @Override
    public synchronized void planned(long bytes) {
        total = bytes;
        active = allowed && total >= THRESHOLD;
    }

    @Override
    public synchronized void accept(long bytes) {
        done += bytes;
        if (!active) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw >= 100_000_000L || done >= total) {
            lastDraw = now;
            err.print("\r" + line(now) + CLEAR_TO_END);
            err.flush();
        }
    }

    /**
     * {@code copy [#######.......]  42% 120.0 MiB/286.0 MiB 57.1 MiB/s}, never wider than the terminal less
     * one column (a line that fills the last column wraps on some terminals): the bar narrows first, then goes,
     * then the rate, then the label is cut.
     */
    String line(long now) {
        double fraction = total <= 0 ? 1 : Math.min(1.0, (double) done / total);
        String percent = String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100));
        String of = Output.humanSize(total);
        String amounts = String.format(Locale.ROOT, "%" + of.length() + "s", Output.humanSize(done)) + "/" + of;
        String rate = String.format(Locale.ROOT, "%11s", rate(now)); // widths fixed, so the bar does not jump
        int room = columns - 1;
        String text = " " + percent + " " + amounts + " " + rate;
        int bar = Math.min(MAX_BAR, room - label.length() - 3 - text.length());
        if (bar >= MIN_BAR) {
            int filled = (int) Math.round(fraction * bar);
            return label + " [" + "#".repeat(filled) + ".".repeat(bar - filled) + "]" + text;
        }
        String plain = label + text;
        if (plain.length() > room) {
            plain = label + " " + percent + " " + amounts.strip();
        }
        return plain.length() > room ? plain.substring(0, Math.max(0, room)) : plain;
    }

    private String rate(long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        return Output.humanSize((long) (done / seconds)) + "/s";
    }

    /** The summary, in place of the progress line: {@code copy: 286.0 MiB in 5.1 s (56.1 MiB/s)}. */
    String summary(long now) {
        double seconds = (now - start) / 1e9;
        String s = label + ": " + Output.humanSize(done) + " in " + String.format(Locale.ROOT, "%.1f s", seconds)
                + " (" + rate(now) + ")";
        return s.length() > columns - 1 ? s.substring(0, columns - 1) : s;
    }

    @Override
    public synchronized void close() {
        if (active) {
            err.print("\r" + summary(System.nanoTime()) + CLEAR_TO_END + "\n");
            err.flush();
        }
    }
}
