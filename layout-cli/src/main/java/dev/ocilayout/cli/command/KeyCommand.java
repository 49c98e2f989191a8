package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.sign.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "key", mixinStandardHelpOptions = true, description = "Make signing keys.",
        subcommands = {KeyCommand.Generate.class})
public final class KeyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: generate");
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Make an ECDSA P-256 key pair, as cosign does: PREFIX.key (PKCS#8 PEM, mode 0600; encrypted"
                    + " with a password read from stdin with --password-stdin) and PREFIX.pub (PUBLIC KEY PEM).",
                "openssl reads both (openssl pkey -in PREFIX.key); existing files are never overwritten."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout key generate", "  printf '%%s' \"$PASSWORD\" | oci-layout key generate -o ci --password-stdin"})
    public static final class Generate extends LayoutCommand {
        @Option(names = {"-o", "--output-prefix"}, paramLabel = "PREFIX", description = "Where: PREFIX.key and"
                + " PREFIX.pub (default: ${DEFAULT-VALUE}).")
        String prefix = "cosign";

        @Option(names = "--password-stdin", description = "Encrypt the private key with a password read from stdin.")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Path key = Path.of(prefix + ".key");
            Path pub = Path.of(prefix + ".pub");
            for (Path p : new Path[] {key, pub}) {
                if (Files.exists(p)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), p + " exists; not overwriting it");
                }
            }
            char[] password = passwordStdin ? new String(root().stdin().readAllBytes(), StandardCharsets.UTF_8).strip()
                    .toCharArray() : null;
            KeyPair pair = Keys.generate();
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, Keys.privatePem(pair.getPrivate(), password), StandardCharsets.US_ASCII);
            Files.writeString(pub, Keys.publicPem(pair.getPublic()), StandardCharsets.US_ASCII);
            if (out().json()) {
                out().json(Output.object().put("privateKey", key.toString()).put("publicKey", pub.toString())
                        .put("encrypted", password != null).put("hint", Keys.hint(pair.getPublic())));
            } else {
                out().info("Wrote " + key + (password != null ? " (encrypted)" : "") + " and " + pub);
            }
            return 0;
        }
    }
}
