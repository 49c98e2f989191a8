package dev.ocilayout.cli;

import dev.ocilayout.registry.Credentials;
import dev.ocilayout.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How to reach a registry, as one option group for every command that can: {@code --plain-http},
 * {@code --insecure}, {@code --username} with {@code --password-stdin} (else the Docker config's
 * credentials). One client per registry, so two repositories of one registry share it (and mount blobs).
 */
public final class RegistryOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--plain-http", description = "Talk to the registry over http:// (a local registry without TLS).")
    boolean plainHttp;

    @Option(names = "--insecure", description = "Talk https:// without verifying the registry's certificate.")
    boolean insecure;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Registry user (with --password-stdin);"
            + " default: ~/.docker/config.json.")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password from stdin.")
    boolean passwordStdin;

    private final Map<String, RegistryClient> clients = new HashMap<>();
    private Credentials credentials;

    /** Whether the registry is reached over plain HTTP or unverified TLS. */
    public boolean notVerified() {
        return plainHttp || insecure;
    }

    /** The client for {@code registry}, made once. */
    public RegistryClient client(String registry, InputStream stdin) throws IOException {
        RegistryClient known = clients.get(registry);
        if (known == null) {
            known = new RegistryClient(registry, new RegistryClient.Options(plainHttp, insecure, credentials(stdin)));
            clients.put(registry, known);
        }
        return known;
    }

    private Credentials credentials(InputStream stdin) throws IOException {
        if (credentials == null) {
            credentials = Credentials.NONE;
            if (passwordStdin || username != null) {
                if (username == null || !passwordStdin) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--username and --password-stdin go together");
                }
                credentials = new Credentials(username, new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip());
            }
        }
        return credentials;
    }
}
