package dev.ocilayout.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.model.ModelJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Layouts served over the OCI distribution-spec v1.1 API (spec-notes/serve.md). This class is the wiring:
 * Jetty, TLS, basic auth, the request log, the routes and the mapping of errors to the spec's codes; each
 * endpoint family is its own class: {@link ManifestEndpoints}, {@link BlobEndpoints}, {@link UploadSessions}
 * (every upload through the verifying ingest, bounded, dropped when idle), {@link Listings} (tags, catalog,
 * referrers); {@link Repositories} maps names to layouts.
 */
public final class RegistryServer implements AutoCloseable {
    /**
     * How to serve.
     *
     * @param root     a layout, or a folder of layouts (one per repository name)
     * @param address  where to listen; loopback unless told otherwise
     * @param readOnly refuse every write
     * @param threads  requests handled at once
     */
    public record Options(java.nio.file.Path root, InetSocketAddress address, boolean readOnly, int threads,
                          LayoutOptions layoutOptions, java.nio.file.Path tlsCert, java.nio.file.Path tlsKey,
                          java.nio.file.Path htpasswd, Limits limits, Consumer<LogEntry> log,
                          List<java.security.PublicKey> requiredSignatures) {
        public Options {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            limits = limits == null ? Limits.defaults() : limits;
            requiredSignatures = requiredSignatures == null ? List.of() : List.copyOf(requiredSignatures);
        }

        public Options(java.nio.file.Path root, InetSocketAddress address, boolean readOnly, int threads,
                       LayoutOptions layoutOptions, java.nio.file.Path tlsCert, java.nio.file.Path tlsKey,
                       java.nio.file.Path htpasswd, Limits limits, Consumer<LogEntry> log) {
            this(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, limits, log, null);
        }

        public Options(java.nio.file.Path root, InetSocketAddress address, boolean readOnly, int threads,
                       LayoutOptions layoutOptions, java.nio.file.Path tlsCert, java.nio.file.Path tlsKey,
                       java.nio.file.Path htpasswd) {
            this(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, null, null);
        }

        public Options(java.nio.file.Path root, InetSocketAddress address, boolean readOnly, int threads,
                       LayoutOptions layoutOptions) {
            this(root, address, readOnly, threads, layoutOptions, null, null, null);
        }

        public static Options of(java.nio.file.Path root, InetSocketAddress address) {
            return new Options(root, address, false, 64, LayoutOptions.defaults());
        }

        public Options withLimits(Limits l) {
            return new Options(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, l, log,
                    requiredSignatures);
        }

        /** Each request, once answered, is handed to {@code log} (the CLI prints it on stderr). */
        public Options withLog(Consumer<LogEntry> l) {
            return new Options(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, limits, l,
                    requiredSignatures);
        }

        /**
         * A tag is set only on a manifest with a valid signature by one of {@code keys}, already pushed (by the
         * {@code .sig} tag or as a referrer): push by digest, then the signature, then the tag. cosign's tags
         * and fallback tags are bookkeeping and go as they come.
         */
        public Options withRequiredSignatures(List<java.security.PublicKey> keys) {
            return new Options(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, limits, log,
                    keys);
        }
    }

    /**
     * Bounds on upload sessions, each of which holds an open temp file, so that one client cannot keep the
     * others from pushing: at most {@code maxUploads} in all, {@code perClient} for one client (its user
     * when authenticated, else its address), {@code perRepository} into one repository; a session unused for
     * {@code idle} is dropped. Beyond a bound a new session is refused with 429 and {@code Retry-After}.
     */
    public record Limits(int maxUploads, int perClient, int perRepository, Duration idle) {
        public Limits {
            if (maxUploads <= 0 || perClient <= 0 || perRepository <= 0 || idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("upload limits must be positive");
            }
        }

        public static Limits defaults() {
            return new Limits(512, 32, 128, Duration.ofMinutes(5));
        }
    }

    /** One answered request, for the request log. */
    public record LogEntry(java.time.Instant time, String client, String method, String path, int status, long bytes,
                           Duration duration) {
    }

    /**
     * What the server cleaned up as it started.
     *
     * @param skipped repositories whose layout could not be opened (each with why), whose temp files were
     *                left: what cannot be read is not cleaned, and does not keep the others from being served
     */
    public record Cleanup(int files, long bytes, List<String> skipped) {
        public Cleanup {
            skipped = List.copyOf(skipped);
        }

        public Cleanup(int files, long bytes) {
            this(files, bytes, List.of());
        }
    }

    private static final Pattern ROUTE = Pattern.compile(
            "^/v2/(?<name>.+)/(?<kind>manifests|blobs/uploads|blobs|tags|referrers)(?:/(?<rest>.*))?$");

    private final Options options;
    private final Repositories repositories;
    private final Server http;
    private final ServerConnector connector;
    private final ScheduledExecutorService janitor;
    private final UploadSessions uploads;
    private final ManifestEndpoints manifests;
    private final BlobEndpoints blobs;
    private final Listings listings;
    private final Htpasswd users;

    private final String[] rootForms;
    private Cleanup cleanup = new Cleanup(0, 0);

    private RegistryServer(Options options) throws IOException {
        this.options = options;
        this.users = options.htpasswd() == null ? null : Htpasswd.load(options.htpasswd());
        this.repositories = new Repositories(options.root(), options.layoutOptions());
        this.uploads = new UploadSessions(repositories, options.limits());
        this.manifests = new ManifestEndpoints(repositories, options.requiredSignatures());
        this.blobs = new BlobEndpoints(repositories);
        this.listings = new Listings(repositories);
        java.nio.file.Path absolute = options.root().toAbsolutePath().normalize();
        String real;
        try {
            real = absolute.toRealPath().toString();
        } catch (IOException e) {
            real = absolute.toString();
        }
        this.rootForms = new String[] {real, absolute.toString()};
        QueuedThreadPool pool = new QueuedThreadPool(Math.max(4, options.threads()), 2);
        pool.setName("oci-layout-serve");
        pool.setDaemon(true);
        this.http = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        if (options.tlsCert() != null) {
            org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients reach a loopback or LAN registry by IP as often as by name
            config.addCustomizer(secure);
            org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            tls.setKeyStore(PemKeys.keyStore(options.tlsCert(), options.tlsKey()));
            tls.setKeyStorePassword(new String(PemKeys.PASSWORD));
            this.connector = new ServerConnector(http, tls, new HttpConnectionFactory(config));
        } else {
            this.connector = new ServerConnector(http, new HttpConnectionFactory(config));
        }
        connector.setHost(options.address().getHostString());
        connector.setPort(options.address().getPort());
        http.addConnector(connector);
        http.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                try {
                    RegistryServer.this.handle(new Exchange(request, response));
                    callback.succeeded();
                } catch (Throwable t) {
                    callback.failed(t);
                }
                return true;
            }
        });
        // what Jetty refuses itself (an ambiguous path such as %2F, a bad request line) in the spec's error form
        http.setErrorHandler((request, response, callback) -> {
            Object message = request.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_MESSAGE);
            int status = response.getStatus() > 0 ? response.getStatus() : 400;
            ObjectNode body = Responses.JSON.objectNode();
            body.putArray("errors").addObject().put("code", status >= 500 ? "UNKNOWN" : "UNSUPPORTED")
                    .put("message", message == null ? "request refused (" + status + ")" : message.toString());
            response.getHeaders().put("Content-Type", "application/json");
            try {
                response.write(true, java.nio.ByteBuffer.wrap(ModelJson.mapper().writeValueAsBytes(body)), callback);
            } catch (IOException e) {
                callback.failed(e);
            }
            return true;
        });
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oci-layout-serve-uploads");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether clients reach it over https. */
    public boolean tls() {
        return options.tlsCert() != null;
    }

    private static String hostAndPort(java.net.InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** Starts serving; {@link #close()} stops. */
    public static RegistryServer start(Options options) throws IOException {
        // Jetty logs through slf4j; with no provider on the class path slf4j would warn on stderr
        System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
        RegistryServer s = new RegistryServer(options);
        try {
            s.removeStaleUploads();
            s.http.start();
        } catch (IOException e) {
            s.close();
            if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException) {
                java.net.BindException bind = new java.net.BindException("cannot serve on " + hostAndPort(options.address())
                        + ": " + (e.getCause() != null ? e.getCause() : e).getMessage()
                        + " (another process listens there; choose another address with --listen)");
                bind.initCause(e);
                throw bind;
            }
            throw e;
        } catch (Exception e) {
            s.close();
            throw new IOException("cannot serve on " + hostAndPort(options.address()) + ": " + e.getMessage(), e);
        }
        long every = Math.max(100, Math.min(60_000, options.limits().idle().toMillis() / 4));
        s.janitor.scheduleWithFixedDelay(s.uploads::dropIdle, every, every, TimeUnit.MILLISECONDS);
        return s;
    }

    /**
     * Removes the upload temp files that interrupted runs left in the served layouts and that no live
     * process holds (the rule of {@code fsck --repair}: this tool's temp files, unlocked, over ten seconds
     * old), before the first request. A kill -9 mid-upload leaves its temp file; without this it stayed
     * across restarts until someone ran gc.
     */
    private void removeStaleUploads() throws IOException {
        int files = 0;
        long bytes = 0;
        List<String> skipped = new ArrayList<>();
        for (String name : repositories.names()) {
            if (!repositories.hasIngestFiles(name)) {
                continue; // nothing to clean: the layout is not even opened
            }
            Layout layout;
            try {
                layout = repositories.get(name, false);
            } catch (LayoutException e) {
                skipped.add(name + ": " + scrub(e.getMessage()));
                continue;
            }
            for (java.nio.file.Path p : layout.blobs().staleTemps(Duration.ZERO)) {
                long size = java.nio.file.Files.size(p);
                if (layout.options().fs().deleteIfExists(p)) {
                    files++;
                    bytes += size;
                }
            }
        }
        cleanup = new Cleanup(files, bytes, skipped);
    }

    /** What {@link #start} cleaned up. */
    public Cleanup cleanup() {
        return cleanup;
    }

    /** The address actually bound (the port, when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(options.address().getAddress(), connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: nothing left to do
        }
        janitor.shutdownNow();
        uploads.closeAll();
    }

    // ------------------------------------------------------------------ dispatch

    private void handle(Exchange x) throws IOException {
        long started = System.nanoTime();
        try {
            dispatch(x);
        } finally {
            if (options.log() != null) {
                String query = x.rawQuery();
                options.log().accept(new LogEntry(java.time.Instant.now(), client(x), x.method(),
                        x.rawPath() + (query == null ? "" : "?" + query), x.status(), x.bytesSent(),
                        Duration.ofNanos(System.nanoTime() - started)));
            }
        }
    }

    /** Who a request comes from, for fair limits and the log: the user when authenticated, else the address. */
    private String client(Exchange x) {
        String user = users == null ? null : Htpasswd.user(x.requestHeader("Authorization"));
        return user != null ? user : x.remoteAddress();
    }

    private void dispatch(Exchange x) throws IOException {
        try {
            route(x);
        } catch (RegistryError e) {
            error(x, e.status, e.code, e.getMessage());
        } catch (NotFoundException e) {
            error(x, 404, "NOT_FOUND", e.getMessage());
        } catch (UnreadableContentException e) {
            error(x, 409, "DENIED", e.getMessage()); // stored content is damaged: refused, nothing changed
        } catch (IntegrityException e) {
            error(x, 400, "DIGEST_INVALID", e.getMessage());
        } catch (InvalidContentException e) {
            error(x, 400, "MANIFEST_INVALID", e.getMessage());
        } catch (LayoutLockedException e) {
            x.header("Retry-After", "1");
            error(x, 429, "TOOMANYREQUESTS", e.getMessage());
        } catch (dev.ocilayout.error.InvalidLayoutException e) {
            error(x, 500, "UNKNOWN", "the repository's layout is damaged: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            error(x, 400, "UNSUPPORTED", e.getMessage());
        } catch (IOException | RuntimeException e) {
            error(x, 500, "UNKNOWN", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void route(Exchange x) throws IOException {
        String path = x.rawPath();
        String method = x.method();
        x.header("Docker-Distribution-API-Version", "registry/2.0");
        if (users != null && !users.allows(x.requestHeader("Authorization"))) {
            x.header("WWW-Authenticate", "Basic realm=\"oci-layout\"");
            throw new RegistryError(401, "UNAUTHORIZED", "authentication required");
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            requireMethod(method, "GET", "HEAD");
            Responses.json(x, 200, Responses.JSON.objectNode());
            return;
        }
        if (path.equals("/v2/_catalog")) {
            requireMethod(method, "GET");
            listings.catalog(x);
            return;
        }
        Matcher m = ROUTE.matcher(path);
        if (!m.matches()) {
            throw new RegistryError(404, "NOT_FOUND", "no such endpoint: " + path);
        }
        String name = m.group("name");
        String rest = m.group("rest") == null ? "" : URLDecoder.decode(m.group("rest"), StandardCharsets.UTF_8);
        boolean write = !method.equals("GET") && !method.equals("HEAD");
        if (write && options.readOnly()) {
            throw RegistryError.unsupported("this registry is read-only");
        }
        switch (m.group("kind")) {
            case "manifests" -> {
                switch (method) {
                    case "GET", "HEAD" -> manifests.get(x, name, rest);
                    case "PUT" -> manifests.put(x, name, rest);
                    case "DELETE" -> manifests.delete(x, name, rest);
                    default -> throw methodNotAllowed(method);
                }
            }
            case "blobs" -> {
                switch (method) {
                    case "GET", "HEAD" -> blobs.get(x, name, rest);
                    case "DELETE" -> throw RegistryError.unsupported("blobs are removed by oci-layout gc, not by DELETE");
                    default -> throw methodNotAllowed(method);
                }
            }
            case "blobs/uploads" -> {
                switch (method) {
                    case "POST" -> uploads.startUpload(x, name, client(x));
                    case "PATCH" -> uploads.patchUpload(x, name, rest);
                    case "PUT" -> uploads.finishUpload(x, name, rest);
                    case "GET" -> uploads.uploadStatus(x, name, rest);
                    case "DELETE" -> uploads.cancelUpload(x, name, rest);
                    default -> throw methodNotAllowed(method);
                }
            }
            case "tags" -> {
                requireMethod(method, "GET");
                if (!rest.equals("list")) {
                    throw new RegistryError(404, "NOT_FOUND", "no such endpoint: " + path);
                }
                listings.tags(x, name);
            }
            case "referrers" -> {
                requireMethod(method, "GET");
                listings.referrers(x, name, rest);
            }
            default -> throw new RegistryError(404, "NOT_FOUND", "no such endpoint: " + path);
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw methodNotAllowed(method);
    }

    private static RegistryError methodNotAllowed(String method) {
        return new RegistryError(405, "UNSUPPORTED", "method " + method + " is not supported here");
    }

    /** A message with the server's own folders taken out: what a client reads names repositories, not paths. */
    String scrub(String message) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (String root : rootForms) {
            out = out.replace(root + "/", "").replace(root, ".");
        }
        return out;
    }

    private void error(Exchange x, int status, String code, String message) throws IOException {
        ObjectNode body = Responses.JSON.objectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message == null ? code : scrub(message));
        x.header("Content-Type", "application/json");
        if (x.committed()) {
            throw new IOException(code + ": " + message); // the response had started: Jetty closes the connection
        }
        x.finishRequestBody();
        x.send(status, ModelJson.mapper().writeValueAsBytes(body));
    }

}
