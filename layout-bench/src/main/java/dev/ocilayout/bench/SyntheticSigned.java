package dev.ocilayout.bench;

import dev.ocilayout.Layout;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.sign.Keys;
import dev.ocilayout.sign.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/**
 * Writes a layout of {@code IMAGES} tagged images, each signed in both of cosign's forms (the .sig tag and a
 * bundle referrer) with a new key, whose public half goes to {@code DIR.pub}: the data of verify's row.
 *
 * <pre>java -cp benchmarks.jar dev.ocilayout.bench.SyntheticSigned DIR IMAGES</pre>
 */
public final class SyntheticSigned {
    private SyntheticSigned() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int images = Integer.parseInt(args[1]);
        SyntheticReferrers.main(new String[] {dir.toString(), String.valueOf(images), "0"});
        Layout layout = Layout.open(dir);
        KeyPair key = Keys.generate();
        List<Descriptor> entries = layout.index().read().manifests();
        for (Descriptor d : entries) {
            Signing.sign(layout, null, d, "bench/image", key.getPrivate());
        }
        Files.writeString(Path.of(dir + ".pub"), Keys.publicPem(key.getPublic()));
    }
}
