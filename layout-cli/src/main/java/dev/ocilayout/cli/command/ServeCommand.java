package dev.ocilayout.cli.command;

import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.serve.RegistryServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve layouts as an OCI registry (distribution-spec v1.1): any client can pull from them and"
                + " push into them, referrers API included. ROOT is a folder of layouts, one per repository"
                + " (team/app is ROOT/team/app, created on first push), or one layout, served under its folder's name.",
            "With --require-signature, a tag is set only on an image already signed by one of the keys: push"
                + " it by digest, then its signature (.sig tag or referrer), then the tag (copy --referrers does).",
            "Listens on loopback unless told otherwise. Runs until interrupted."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout serve ./registry", "  oci-layout serve ./layout --listen 127.0.0.1:5000 --read-only",
            "  oci-layout serve ./registry --listen 0.0.0.0:5443 --tls-cert cert.pem \\", "      --tls-key key.pem --htpasswd users",
            "  skopeo copy --src-tls-verify=false \\", "      docker://127.0.0.1:5000/layout:v1 oci:out:v1"})
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

    @Option(names = "--max-uploads", paramLabel = "N", description = "Upload sessions open at once (default: ${DEFAULT-VALUE}).")
    int maxUploads = RegistryServer.Limits.defaults().maxUploads();

    @Option(names = "--max-uploads-per-client", paramLabel = "N",
            description = "Upload sessions one client (its user, or its address) may hold (default: ${DEFAULT-VALUE}).")
    int maxUploadsPerClient = RegistryServer.Limits.defaults().perClient();

    @Option(names = "--max-uploads-per-repository", paramLabel = "N",
            description = "Upload sessions open into one repository (default: ${DEFAULT-VALUE}).")
    int maxUploadsPerRepository = RegistryServer.Limits.defaults().perRepository();

    @Option(names = "--upload-idle", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Drop an upload session unused this long (default: 5m).")
    Duration uploadIdle = RegistryServer.Limits.defaults().idle();

    enum LogFormat { text, json }

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "The request log on stderr, one line per request: ${COMPLETION-CANDIDATES} (default: text;"
                    + " --quiet turns it off).")
    LogFormat logFormat = LogFormat.text;

    @picocli.CommandLine.Mixin
    dev.ocilayout.cli.SignaturePolicy signatures;

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
                    tlsCert, tlsKey, htpasswd).withLimits(new RegistryServer.Limits(maxUploads, maxUploadsPerClient,
                    maxUploadsPerRepository, uploadIdle)).withRequiredSignatures(signatures.keys());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!out().quiet()) {
            options = options.withLog(e -> out().log(logFormat == LogFormat.json ? Output.object()
                    .put("time", e.time().toString()).put("client", e.client()).put("method", e.method())
                    .put("path", e.path()).put("status", e.status()).put("bytes", e.bytes())
                    .put("durationMs", e.duration().toNanos() / 1e6).toString()
                    : e.time() + " " + e.client() + " " + e.method() + " " + e.path() + " " + e.status() + " " + e.bytes()
                    + " " + String.format(java.util.Locale.ROOT, "%.1fms", e.duration().toNanos() / 1e6)));
        }
        RegistryServer server = RegistryServer.start(options);
        server.cleanup().skipped().forEach(why -> out().warn("not cleaned, its layout cannot be opened: " + why));
        if (server.cleanup().files() > 0) {
            out().warn("removed " + server.cleanup().files() + " upload temp file" + (server.cleanup().files() == 1 ? "" : "s")
                    + " (" + Output.humanSize(server.cleanup().bytes()) + ") that an interrupted run left and no process"
                    + " held");
        }
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
