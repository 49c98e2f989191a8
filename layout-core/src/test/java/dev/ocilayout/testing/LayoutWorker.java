package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutLockedException;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Digest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The main class child JVMs run in process tests:
 * {@code tag DIR PREFIX COUNT} adds COUNT tags; {@code trytag DIR TIMEOUT_MS} adds one tag, exiting 6 when
 * the layout is locked; {@code init DIR} creates the layout.
 */
public final class LayoutWorker {
    public static final Descriptor TARGET =
            Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + "a".repeat(64)), 100);

    private LayoutWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "tag" -> {
                Layout layout = Layout.open(dir, LayoutOptions.defaults().withLockTimeout(Duration.ofMinutes(2)));
                int count = Integer.parseInt(args[3]);
                for (int i = 0; i < count; i++) {
                    String tag = args[2] + "-" + i;
                    layout.index().update(index -> Tags.tag(index, tag, TARGET));
                    System.out.println("ack " + tag);
                    System.out.flush();
                }
            }
            case "trytag" -> {
                Layout layout = Layout.open(dir,
                        LayoutOptions.defaults().withLockTimeout(Duration.ofMillis(Long.parseLong(args[2]))));
                try {
                    layout.index().update(index -> Tags.tag(index, "from-child", TARGET));
                } catch (LayoutLockedException e) {
                    System.out.println(e.getMessage());
                    System.exit(6);
                }
            }
            case "init" -> Layout.create(dir);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }
}
