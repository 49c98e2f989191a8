package dev.ocilayout.cli;

import dev.ocilayout.sign.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --require-signature PUB}: content without a valid signature by one of these keys is refused. */
public final class SignaturePolicy {
    @Option(names = "--require-signature", paramLabel = "PUB", description = "Refuse images without a valid signature"
            + " by this public key (repeatable: any of them); nothing is tagged then.")
    List<Path> keys = new ArrayList<>();

    public boolean active() {
        return !keys.isEmpty();
    }

    public List<PublicKey> keys() throws IOException {
        List<PublicKey> out = new ArrayList<>();
        for (Path p : keys) {
            out.add(Keys.readPublic(Files.readAllBytes(p), p.toString()));
        }
        return out;
    }
}
