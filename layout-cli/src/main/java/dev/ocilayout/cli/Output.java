package dev.ocilayout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.JsonTrees;
import dev.ocilayout.model.ModelJson;
import java.io.PrintWriter;
import java.util.Locale;

/** What commands print: text lines, or JSON documents with {@code --format json}. */
public final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean quiet;

    Output(PrintWriter out, PrintWriter err, boolean json, boolean quiet) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.quiet = quiet;
    }

    public boolean json() {
        return json;
    }

    public boolean quiet() {
        return quiet;
    }

    /**
     * A line of data for text output (always printed: it is what the user asked for). Buffered: stdout is
     * flushed when the command ends, so long listings cost one write call per 64 KiB, not one per line.
     */
    public void line(String s) {
        out.println(s);
    }

    /** A confirmation for people ("Tagged v2"), left out under --quiet. */
    public void info(String s) {
        if (!quiet) {
            out.println(s);
            out.flush();
        }
    }

    /** A warning on stderr, left out under --quiet. */
    public void warn(String s) {
        if (!quiet) {
            err.println("oci-layout: warning: " + s);
            err.flush();
        }
    }

    /** A log line on stderr (serve's request log), left out under --quiet; safe from many threads. */
    public void log(String s) {
        if (!quiet) {
            synchronized (err) {
                err.println(s);
                err.flush();
            }
        }
    }

    /** Prints a JSON document. */
    public void json(JsonNode node) {
        out.println(JsonTrees.pretty(node));
        out.flush();
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A descriptor as a JSON object, the same shape as in a manifest. */
    public static ObjectNode descriptor(Descriptor d) {
        return JsonTrees.readOwnObject(ModelJson.toBytes(d));
    }

    /** "s" unless {@code n} is 1, for counts in messages. */
    public static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** A count for people: {@code 1 blob}, {@code 2 blobs}. */
    public static String count(long n, String noun) {
        return count(n, noun, noun + "s");
    }

    /** A count with an irregular plural: {@code 1 entry}, {@code 2 entries}. */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** Sizes for people: 512 B, 1.5 KiB, 2.0 GiB. */
    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
