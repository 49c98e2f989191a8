package dev.ocilayout.reliability;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** The child JVM of KillTest's import scenario: {@code import DIR PREFIX SCRATCH} imports tagged images for ever. */
public final class ImportWorker {
    private ImportWorker() {
    }

    public static void main(String[] args) throws Exception {
        importForever(Path.of(args[1]), args[2], Path.of(args[3]));
    }

    /** Makes a small random image in a scratch layout, exports it and imports it, tagged, for ever. */
    private static void importForever(Path dir, String prefix, Path scratchDir) throws Exception {
        Layout layout = Layout.open(dir, LayoutOptions.defaults().withLockTimeout(Duration.ofMinutes(2)));
        Random random = new Random();
        for (int i = 0; ; i++) {
            Layout scratch = Layout.create(Files.createTempDirectory(scratchDir, "src"));
            byte[] layer = new byte[256 * 1024 + random.nextInt(256 * 1024)];
            random.nextBytes(layer);
            LayoutBuilder b = new LayoutBuilder(scratch);
            Descriptor image = b.manifest(b.blob("{\"i\":" + i + "}", MediaType.OCI_CONFIG), null, null,
                    scratch.blobs().put(layer, MediaType.OCI_LAYER));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            LayoutExport.export(scratch, List.of(
                    new LayoutExport.Root(image, "x")), out,
                    new LayoutExport.Options(false, List.of(), null), null);
            String tag = prefix + "-" + i;
            LayoutImport.importArchive(layout, new ByteArrayInputStream(out.toByteArray()),
                    "worker.tar", new LayoutImport.Options(List.of(tag), null, null, null), null);
            System.out.println("ack " + tag);
            System.out.flush();
        }
    }

}
