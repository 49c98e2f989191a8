package dev.ocilayout.cli;

import dev.ocilayout.io.ProgressListener;
import java.io.PrintStream;

/**
 * A progress bar on stderr for long transfers. It draws only when stderr is a terminal (the launcher
 * tells the JVM with {@code -Doci.layout.tty=true}), output is not quiet, and the work is over 8 MiB;
 * otherwise it is silent. At most ten redraws a second.
 */
public final class Progress implements ProgressListener, AutoCloseable {
    static final long THRESHOLD = 8L * 1024 * 1024;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private long total;
    private boolean active;
    private final boolean allowed;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;

    private Progress(PrintStream err, String label, long total, boolean allowed) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.allowed = allowed;
        this.active = allowed && total >= THRESHOLD;
    }

    /** A bar for {@code total} bytes, or a silent one when it should not draw. */
    public static Progress of(OciLayout root, String label, long total) {
        boolean tty = Boolean.getBoolean("oci.layout.tty");
        return new Progress(root.stderr(), label, total, tty && !root.quiet());
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
            draw(now);
        }
    }

    private void draw(long now) {
        double fraction = total <= 0 ? 1 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        String rate = Output.humanSize((long) (done / seconds)) + "/s";
        err.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", (int) (fraction * 100)) + " " + Output.humanSize(done) + "/"
                + Output.humanSize(total) + " " + rate + "   ");
        err.flush();
    }

    @Override
    public synchronized void close() {
        if (active) {
            draw(System.nanoTime());
            err.println();
            err.flush();
        }
    }
}
