package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.serve.RegistryServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve layouts as an OCI registry (distribution-spec v1.1): any client can pull from them and"
                + " push into them, referrers API included. ROOT is a folder of layouts, one per repository"
                + " (team/app is ROOT/team/app, created on first push), or one layout, served under its folder's name.",
            "Listens on loopback unless told otherwise. Runs until interrupted."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout serve ./registry", "  oci-layout serve ./layout --listen 127.0.0.1:5000 --read-only",
            "  oci-layout serve ./registry --listen 0.0.0.0:5443 --tls-cert cert.pem --tls-key key.pem --htpasswd users",
            "  skopeo copy --src-tls-verify=false docker://127.0.0.1:5000/layout:v1 oci:out:v1"})
public final class ServeCommand extends LayoutCommand {
    @Parameters(paramLabel = "ROOT", description = "A layout, or a folder of layouts (created if missing).")
    Path root;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String listen = "127.0.0.1:5000";

    @Option(names = "--read-only", description = "Refuse every push and delete.")
    boolean readOnly;

    @Option(names = "--threads", paramLabel = "N", description = "Requests served at once (default: ${DEFAULT-VALUE}).")
    int threads = 64;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate (chain): serve https.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (PKCS#8 or PKCS#1 RSA).")
    Path tlsKey;

    @Option(names = "--htpasswd", paramLabel = "FILE", description = "Require basic auth from these users (bcrypt"
            + " entries, htpasswd -B), as docker-registry does.")
    Path htpasswd;

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen is HOST:PORT, not '" + listen + "'");
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(listen.substring(0, colon).replaceAll("^\\[|\\]$", ""),
                    Integer.parseInt(listen.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen is HOST:PORT, not '" + listen + "'");
        }
        Files.createDirectories(root);
        RegistryServer.Options options;
        try {
            options = new RegistryServer.Options(root, address, readOnly, Math.max(2, threads), root().layoutOptions(),
                    tlsCert, tlsKey, htpasswd);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RegistryServer server = RegistryServer.start(options);
        InetSocketAddress bound = server.address();
        if (out().json()) {
            out().json(Output.object().put("root", root.toString()).put("listen",
                    bound.getHostString() + ":" + bound.getPort()).put("readOnly", readOnly));
        } else {
            out().info("Serving " + root + " on " + (server.tls() ? "https" : "http") + "://" + bound.getHostString() + ":"
                    + bound.getPort() + (readOnly ? " (read-only)" : "") + (htpasswd != null ? " (basic auth)" : ""));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
