package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The main class child JVMs run in process tests:
 * {@code tag DIR PREFIX COUNT} adds COUNT tags; {@code trytag DIR TIMEOUT_MS} adds one tag, exiting 6 when
 * the layout is locked; {@code init DIR} creates the layout; {@code gc DIR} adds garbage and collects it for
 * ever (the import worker is layout-archive's {@code ImportWorker}).
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
                Descriptor target = args.length > 4 ? layout.resolveTag(args[4]) : TARGET;
                for (int i = 0; i < count; i++) {
                    String tag = args[2] + "-" + i;
                    layout.index().update(index -> Tags.tag(index, tag, target));
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
            case "gc" -> gcForever(dir);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }

    /** Adds garbage (loose blobs, an image listed then dropped) and collects it with no grace period, for ever. */
    private static void gcForever(Path dir) throws Exception {
        Layout layout = Layout.open(dir, LayoutOptions.defaults().withLockTimeout(Duration.ofMinutes(2)));
        java.util.Random random = new java.util.Random();
        LayoutBuilder b = new LayoutBuilder(layout);
        for (int i = 0; ; i++) {
            for (int j = 0; j < 20; j++) {
                byte[] junk = new byte[1024 + random.nextInt(64 * 1024)];
                random.nextBytes(junk);
                layout.blobs().put(junk, MediaType.OCTET_STREAM);
            }
            Descriptor dropped = b.image("garbage-" + random.nextLong(), "junk-" + random.nextLong());
            b.untagged(dropped);
            layout.index().update(index -> index.without(d -> d.digest().equals(dropped.digest())));
            dev.ocilayout.gc.GarbageCollector.run(layout,
                    new dev.ocilayout.gc.GarbageCollector.Policy(false, Duration.ZERO, false));
            System.out.println("ack gc-" + i);
            System.out.flush();
        }
    }
}
