package dev.ocilayout.cli;

import dev.ocilayout.model.Address;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.sign.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine.Option;

/** What sign and attest share: the private key, its password, and the name signed. */
public final class SigningKey {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key (PEM).")
    Path key;

    @Option(names = "--password-stdin", description = "Read the key's password from stdin.")
    boolean passwordStdin;

    @Option(names = "--identity", paramLabel = "NAME", description = "The name signed: the payload's docker-reference,"
            + " the .att statement's subject name (default: the image's repository, else the layout folder's name);"
            + " cosign does not check it.")
    String identity;

    /** The key, decrypted with the password read from {@code stdin} when asked. */
    public PrivateKey read(InputStream stdin) throws IOException {
        char[] password = passwordStdin ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip().toCharArray()
                : null;
        byte[] pem = Files.readAllBytes(key);
        if (dev.ocilayout.cosign.CosignKeyFile.is(pem)) {
            // cosign's own key file (cosign generate-key-pair); an empty password is cosign's too
            return Keys.fromPkcs8(dev.ocilayout.cosign.CosignKeyFile.decrypt(pem, password, key.toString()), key.toString());
        }
        return Keys.readPrivate(pem, password, key.toString());
    }

    /** The repository of a layout that {@code a} names by a full name, or null for the layout's plain tags. */
    public static RepositoryScope scopeOf(Address a) {
        String repository = a.name() == null ? null : RefName.repositoryOf(a.name());
        return repository == null ? null : RepositoryScope.of(repository);
    }

    /**
     * Where the signatures of an image go and the name they sign.
     *
     * @param scope    the repository whose cosign tags they take, or null for the layout's plain tags
     * @param identity the name signed
     */
    public record Target(RepositoryScope scope, String identity) {
    }

    /**
     * The target for the image {@code a} names in the layout at {@code layoutRoot}: its repository (see
     * {@link #scopeOf}), and the name as given, else that repository, else the layout folder's name.
     */
    public Target target(Address a, Path layoutRoot) {
        RepositoryScope scope = scopeOf(a);
        return new Target(scope, identity != null ? identity : scope != null ? scope.name()
                : layoutRoot.toAbsolutePath().normalize().getFileName().toString());
    }
}
