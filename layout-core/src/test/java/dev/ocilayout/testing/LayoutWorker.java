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
            case "import" -> importForever(dir, args[2], Path.of(args[3]));
            case "gc" -> gcForever(dir);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }

    /** Makes a small random image in a scratch layout, exports it and imports it, tagged, for ever. */
    private static void importForever(Path dir, String prefix, Path scratchDir) throws Exception {
        Layout layout = Layout.open(dir, LayoutOptions.defaults().withLockTimeout(Duration.ofMinutes(2)));
        java.util.Random random = new java.util.Random();
        for (int i = 0; ; i++) {
            Layout scratch = Layout.create(java.nio.file.Files.createTempDirectory(scratchDir, "src"));
            byte[] layer = new byte[256 * 1024 + random.nextInt(256 * 1024)];
            random.nextBytes(layer);
            LayoutBuilder b = new LayoutBuilder(scratch);
            Descriptor image = b.manifest(b.blob("{\"i\":" + i + "}", MediaType.OCI_CONFIG), null, null,
                    scratch.blobs().put(layer, MediaType.OCI_LAYER));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            dev.ocilayout.archive.LayoutExport.export(scratch, java.util.List.of(
                    new dev.ocilayout.archive.LayoutExport.Root(image, "x")), out,
                    new dev.ocilayout.archive.LayoutExport.Options(false, java.util.List.of(), null), null);
            String tag = prefix + "-" + i;
            dev.ocilayout.archive.LayoutImport.importArchive(layout, new java.io.ByteArrayInputStream(out.toByteArray()),
                    "worker.tar", new dev.ocilayout.archive.LayoutImport.Options(java.util.List.of(tag), null, null, null), null);
            System.out.println("ack " + tag);
            System.out.flush();
        }
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
