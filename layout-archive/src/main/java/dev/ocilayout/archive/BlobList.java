package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.store.BlobStore;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of blobs, one per line: {@code <digest> <size>} (the size optional when read; blank lines and
 * {@code #} comments allowed). {@code oci-layout blobs DIR} prints it, {@code export --exclude-blobs-from}
 * reads it, and a delta archive carries the list of blobs it left out as {@link LayoutExport#EXPECTED_BLOBS}.
 */
public final class BlobList {
    /** A digest and its size, or -1 when the list did not give one. */
    public record Entry(Digest digest, long size) {
    }

    private BlobList() {
    }

    /** Every blob stored in the layout (regular files with a valid digest name), by digest. */
    public static List<Entry> of(Layout layout) throws IOException {
        List<Entry> all = new ArrayList<>();
        for (BlobStore.BlobFile f : layout.blobs().scan()) {
            if (f.isBlob()) {
                all.add(new Entry(f.digest(), f.attributes().size()));
            }
        }
        return all;
    }

    public static byte[] format(List<Entry> entries) {
        StringBuilder sb = new StringBuilder(entries.size() * 84);
        for (Entry e : entries) {
            sb.append(e.digest()).append(' ').append(e.size()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static List<Entry> parse(byte[] text, String source) throws InvalidContentException {
        List<Entry> entries = new ArrayList<>();
        String[] lines = new String(text, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            Digest d = Digest.tryParse(fields[0]);
            long size = -1;
            if (fields.length > 1) {
                try {
                    size = Long.parseLong(fields[1]);
                } catch (NumberFormatException e) {
                    size = -2;
                }
            }
            if (d == null || fields.length > 2 || size < -1) {
                throw new InvalidContentException(source + " line " + (i + 1) + ": " + Text.quote(line)
                        + " is not '<digest> [<size>]'");
            }
            entries.add(new Entry(d, size));
        }
        return entries;
    }

    /** Fails, naming the first missing blob and how many are missing, unless the layout has every blob listed. */
    static void requirePresent(Layout layout, byte[] list, String source) throws IOException {
        List<String> missing = new ArrayList<>();
        List<Entry> entries = parse(list, source);
        for (Entry e : entries) {
            if (!layout.blobs().exists(e.digest()) || e.size() >= 0 && layout.blobs().size(e.digest()) != e.size()) {
                missing.add(e.digest().toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new NotFoundException(source + ": this delta archive expects " + entries.size() + " blobs in "
                    + layout.root() + " and " + missing.size() + " are missing (first: " + missing.get(0)
                    + "); import its base first; nothing was tagged");
        }
    }
}
