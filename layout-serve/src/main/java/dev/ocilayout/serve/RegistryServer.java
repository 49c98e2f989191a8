package dev.ocilayout.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Ingest;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Layouts served over the OCI distribution-spec v1.1 API: pull (manifests and blobs by tag or digest, with
 * ranges), push (monolithic, POST then PUT, chunked PATCH, cross-repository mount; manifests by tag or
 * digest), tag and manifest deletion, tag listing and the catalog with pagination, and the referrers API
 * answered from the layout's referrer bookkeeping, whatever convention it uses. Every upload goes through
 * the verifying ingest, so an interrupted upload never becomes a blob. See spec-notes/serve.md.
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
                          java.nio.file.Path htpasswd, Limits limits, Consumer<LogEntry> log) {
        public Options {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            limits = limits == null ? Limits.defaults() : limits;
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
            return new Options(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, l, log);
        }

        /** Each request, once answered, is handed to {@code log} (the CLI prints it on stderr). */
        public Options withLog(Consumer<LogEntry> l) {
            return new Options(root, address, readOnly, threads, layoutOptions, tlsCert, tlsKey, htpasswd, limits, l);
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

    /** What the server cleaned up as it started: upload temp files no live process held. */
    public record Cleanup(int files, long bytes) {
    }

    private static final Pattern ROUTE = Pattern.compile(
            "^/v2/(?<name>.+)/(?<kind>manifests|blobs/uploads|blobs|tags|referrers)(?:/(?<rest>.*))?$");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Options options;
    private final Repositories repositories;
    private final Server http;
    private final ServerConnector connector;
    private final ScheduledExecutorService janitor;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Htpasswd users;

    private final String[] rootForms;
    private Cleanup cleanup = new Cleanup(0, 0);

    /** An upload in progress: the ingest holds (and locks) its temp file. */
    private static final class Upload {
        final String name;
        final String client;
        final Layout layout;
        final Ingest ingest;
        volatile long lastUsed = System.nanoTime();

        Upload(String name, String client, Layout layout, Ingest ingest) {
            this.name = name;
            this.client = client;
            this.layout = layout;
            this.ingest = ingest;
        }
    }

    private RegistryServer(Options options) throws IOException {
        this.options = options;
        this.users = options.htpasswd() == null ? null : Htpasswd.load(options.htpasswd());
        this.repositories = new Repositories(options.root(), options.layoutOptions());
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
            ObjectNode body = JSON.objectNode();
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
            throw e;
        } catch (Exception e) {
            s.close();
            throw new IOException("cannot serve on " + options.address() + ": " + e.getMessage(), e);
        }
        long every = Math.max(100, Math.min(60_000, options.limits().idle().toMillis() / 4));
        s.janitor.scheduleWithFixedDelay(s::dropIdleUploads, every, every, TimeUnit.MILLISECONDS);
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
        for (String name : repositories.names()) {
            Layout layout = repositories.get(name, false);
            if (layout == null) {
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
        cleanup = new Cleanup(files, bytes);
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
        uploads.values().forEach(u -> closeQuietly(u.ingest));
        uploads.clear();
    }

    private void dropIdleUploads() {
        long limit = System.nanoTime() - options.limits().idle().toNanos();
        uploads.entrySet().removeIf(e -> {
            if (e.getValue().lastUsed < limit) {
                closeQuietly(e.getValue().ingest);
                return true;
            }
            return false;
        });
    }

    private static void closeQuietly(Ingest ingest) {
        try {
            ingest.close();
        } catch (IOException e) {
            // the temp file is left for gc
        }
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
            json(x, 200, JSON.objectNode());
            return;
        }
        if (path.equals("/v2/_catalog")) {
            requireMethod(method, "GET");
            catalog(x);
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
                    case "GET", "HEAD" -> getManifest(x, name, rest);
                    case "PUT" -> putManifest(x, name, rest);
                    case "DELETE" -> deleteManifest(x, name, rest);
                    default -> throw methodNotAllowed(method);
                }
            }
            case "blobs" -> {
                switch (method) {
                    case "GET", "HEAD" -> getBlob(x, name, rest);
                    case "DELETE" -> throw RegistryError.unsupported("blobs are removed by oci-layout gc, not by DELETE");
                    default -> throw methodNotAllowed(method);
                }
            }
            case "blobs/uploads" -> {
                switch (method) {
                    case "POST" -> startUpload(x, name);
                    case "PATCH" -> patchUpload(x, name, rest);
                    case "PUT" -> finishUpload(x, name, rest);
                    case "GET" -> uploadStatus(x, name, rest);
                    case "DELETE" -> cancelUpload(x, name, rest);
                    default -> throw methodNotAllowed(method);
                }
            }
            case "tags" -> {
                requireMethod(method, "GET");
                if (!rest.equals("list")) {
                    throw new RegistryError(404, "NOT_FOUND", "no such endpoint: " + path);
                }
                tags(x, name);
            }
            case "referrers" -> {
                requireMethod(method, "GET");
                referrers(x, name, rest);
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

    private Layout existing(String name) throws IOException {
        Layout l = repositories.get(name, false);
        if (l == null) {
            throw RegistryError.nameUnknown(name);
        }
        return l;
    }

    // ------------------------------------------------------------------ manifests

    /**
     * A manifest reference: a digest when it has a ':' (a tag cannot), refused as {@code DIGEST_INVALID} when
     * malformed; else a tag. A tag that cannot exist is simply unknown ({@code MANIFEST_UNKNOWN}, as the
     * conformance suite and docker-registry answer a GET of {@code .INVALID_MANIFEST_NAME}).
     */
    private Descriptor resolveManifest(Layout layout, String reference) throws IOException {
        try {
            if (reference.indexOf(':') >= 0) {
                return layout.resolve(parseDigest(reference));
            }
            if (!RefName.isValid(reference)) {
                throw RegistryError.manifestUnknown(reference);
            }
            return layout.resolveTag(reference);
        } catch (NotFoundException e) {
            throw RegistryError.manifestUnknown(reference);
        }
    }

    private void getManifest(Exchange x, String name, String reference) throws IOException {
        Layout layout = existing(name);
        Descriptor d = resolveManifest(layout, reference);
        if (!MediaType.isManifestOrIndex(d.mediaType()) && !d.mediaType().equals(MediaType.ORAS_ARTIFACT_MANIFEST)
                && !d.mediaType().startsWith("application/vnd.docker.distribution.manifest")) {
            throw RegistryError.manifestUnknown(reference + " (a blob of type " + d.mediaType() + ")");
        }
        byte[] bytes = layout.readManifestBytes(d);
                x.header("Content-Type", d.mediaType());
        x.header("Docker-Content-Digest", d.digest().toString());
        x.header("ETag", "\"" + d.digest() + "\"");
        x.send(200, bytes);
    }

    private void putManifest(Exchange x, String name, String reference) throws IOException {
        Layout layout = repositories.get(name, true);
        Digest byDigest = reference.indexOf(':') >= 0 ? parseDigest(reference) : null;
        if (byDigest == null && !RefName.isValid(reference)) {
            throw new RegistryError(400, "TAG_INVALID", "invalid tag: " + reference);
        }
        int cap = layout.options().maxManifestBytes();
        byte[] bytes;
        try (InputStream in = x.body()) {
            bytes = in.readNBytes(cap + 1);
        }
        if (bytes.length > cap) {
            throw new RegistryError(413, "SIZE_INVALID", "manifest over " + cap + " bytes");
        }
        String type = contentType(x);
        Manifest m;
        try {
            m = ModelJson.parseManifest(bytes, type, "manifest");
        } catch (InvalidContentException e) {
            throw RegistryError.manifestInvalid(e.getMessage());
        }
        String mediaType = type != null ? type : m.mediaType() != null ? m.mediaType()
                : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        List<Descriptor> needed = new ArrayList<>();
        for (Descriptor c : m.children()) {
            if (c.data() == null && c.urls().isEmpty()) {
                needed.add(c);
            }
        }
        for (Descriptor c : needed) {
            java.nio.file.attribute.BasicFileAttributes a = layout.blobs().attributes(c.digest());
            if (a == null || !a.isRegularFile()) {
                throw new RegistryError(400, "MANIFEST_BLOB_UNKNOWN", "manifest references blob " + c.digest()
                        + ", which repository " + name + " does not have (push it first)");
            }
            if (a.size() != c.size()) {
                throw new RegistryError(400, "SIZE_INVALID", "manifest says blob " + c.digest() + " is " + c.size()
                        + " bytes; repository " + name + " has it with " + a.size());
            }
        }
        Descriptor stored = layout.blobs().put(bytes, mediaType);
        if (byDigest != null && !byDigest.equals(stored.digest())) {
            throw RegistryError.digestInvalid("the manifest's digest is " + stored.digest() + ", not " + byDigest);
        }
        Descriptor subject = m.subject();
        ReferrerStrategy strategy = subject == null ? null : Referrers.choose(layout, null, false);
        Descriptor response = ReferrerIndex.responseDescriptor(stored, m);
        layout.index().update(index -> {
            layout.blobs().requirePresent(needed);
            ImageIndex next = byDigest == null ? Tags.tag(index, reference, stored) : index;
            return subject == null ? next : strategy.add(layout, next, subject.digest(), response);
        });
                x.header("Location", "/v2/" + name + "/manifests/" + stored.digest());
        x.header("Docker-Content-Digest", stored.digest().toString());
        if (subject != null) {
            x.header("OCI-Subject", subject.digest().toString());
        }
        x.send(201, null);
    }

    private void deleteManifest(Exchange x, String name, String reference) throws IOException {
        Layout layout = existing(name);
        Digest digest = reference.indexOf(':') >= 0 ? parseDigest(reference) : null;
        if (digest == null) {
            try {
                Untagging.untag(layout, List.of(reference), false);
            } catch (NotFoundException e) {
                throw RegistryError.manifestUnknown(reference);
            }
        } else if (!Untagging.removeDigest(layout, digest, false) && !layout.blobs().exists(digest)) {
            throw RegistryError.manifestUnknown(reference);
        }
        x.send(202, null);
    }

    // ------------------------------------------------------------------ blobs

    private void getBlob(Exchange x, String name, String reference) throws IOException {
        Layout layout = existing(name);
        Digest digest = parseDigest(reference);
        long size;
        try {
            size = layout.blobs().size(digest);
        } catch (NotFoundException e) {
            throw RegistryError.blobUnknown(digest.toString());
        }
                x.header("Docker-Content-Digest", digest.toString());
        x.header("Content-Type", MediaType.OCTET_STREAM);
        x.header("Accept-Ranges", "bytes");
        x.header("ETag", "\"" + digest + "\"");
        long start = 0;
        long end = size - 1;
        int status = 200;
        long[] r = byteRange(x.requestHeader("Range"), size);
        if (r != null) {
            if (r.length == 0) {
                x.header("Content-Range", "bytes */" + size);
                throw new RegistryError(416, "SIZE_INVALID", "range " + x.requestHeader("Range") + " is outside the blob's "
                        + size + " bytes");
            }
            start = r[0];
            end = r[1];
            status = 206;
            x.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = size == 0 ? 0 : end - start + 1;
        try (FileChannel ch = layout.blobs().openChannel(digest)) {
            x.sendFile(status, ch, start, length);
        }
    }

    private static final Pattern BYTE_RANGE = Pattern.compile("(\\d*)-(\\d*)");

    /**
     * A {@code Range} header as RFC 9110 section 14 reads it for one representation of {@code size} bytes: the
     * first and last byte of a single satisfiable range; an empty array when the range is unsatisfiable
     * (416); null to send the whole blob, which is also the answer to a unit other than bytes, a malformed
     * header and a request for several ranges (a server may ignore Range, section 14.2).
     */
    static long[] byteRange(String header, long size) {
        if (header == null || size == 0) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        Matcher m = BYTE_RANGE.matcher(h.substring(6).trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 ? new long[0] : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                return null; // an invalid range-spec: the header is ignored
            }
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            return first >= size ? new long[0] : new long[] {first, last};
        } catch (NumberFormatException overflow) {
            return null;
        }
    }

    // ------------------------------------------------------------------ uploads

    private void startUpload(Exchange x, String name) throws IOException {
        Layout layout = repositories.get(name, true);
        Map<String, String> q = x.query();
        String mount = q.get("mount");
        if (mount != null && mount(x, name, layout, mount, q.get("from"))) {
            return;
        }
        String digest = q.get("digest");
        if (digest != null) {
            Digest expected = parseDigest(digest);
            try (Ingest ingest = layout.blobs().newIngest(algorithmOf(expected), MediaType.OCTET_STREAM);
                 InputStream in = x.body()) {
                ingest.transferFrom(Channels.newChannel(in), null);
                commit(ingest, expected);
            }
            created(x, name, expected);
            return;
        }
        String client = client(x);
        requireUploadRoom(x, name, client);
        Ingest ingest = layout.blobs().newIngest(DigestAlgorithm.SHA256, MediaType.OCTET_STREAM);
        String id = UUID.randomUUID().toString();
        uploads.put(id, new Upload(name, client, layout, ingest));
        try (InputStream in = x.body()) {
            in.transferTo(OutputStream.nullOutputStream()); // a POST that starts a session carries no data
        }
        accepted(x, name, id, 0);
    }

    /**
     * Refuses a new session beyond a bound (all, this client's, this repository's) with 429 and the seconds
     * until the first session that counts against it would expire if left idle.
     */
    private void requireUploadRoom(Exchange x, String name, String client) {
        Limits l = options.limits();
        List<Upload> all = List.copyOf(uploads.values());
        List<Upload> mine = all.stream().filter(u -> u.client.equals(client)).toList();
        List<Upload> here = all.stream().filter(u -> u.name.equals(name)).toList();
        List<Upload> full = all.size() >= l.maxUploads() ? all : mine.size() >= l.perClient() ? mine
                : here.size() >= l.perRepository() ? here : null;
        if (full == null) {
            return;
        }
        long oldest = full.stream().mapToLong(u -> u.lastUsed).min().orElse(System.nanoTime());
        long wait = Math.max(1, (oldest + l.idle().toNanos() - System.nanoTime() + 999_999_999L) / 1_000_000_000L);
        x.header("Retry-After", Long.toString(wait));
        String which = full == all ? l.maxUploads() + " uploads are in progress on this registry"
                : full == mine ? l.perClient() + " uploads of yours are in progress"
                : l.perRepository() + " uploads into " + name + " are in progress";
        throw new RegistryError(429, "TOOMANYREQUESTS", which + "; finish or cancel some (idle ones are dropped after "
                + l.idle().toSeconds() + " s)");
    }

    private boolean mount(Exchange x, String name, Layout layout, String mount, String from) throws IOException {
        Digest digest = parseDigest(mount);
        Layout source = from == null ? null : repositories.get(from, false);
        if (source == null || !source.blobs().exists(digest)) {
            return false; // the spec: fall back to an upload session
        }
        Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, digest, source.blobs().size(digest));
        layout.blobs().copyFrom(source.blobs(), d, true, null);
        created(x, name, digest);
        return true;
    }

    private Upload upload(String name, String id) {
        Upload u = uploads.get(id);
        if (u == null || !u.name.equals(name)) {
            throw RegistryError.uploadUnknown(id);
        }
        u.lastUsed = System.nanoTime();
        return u;
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/.*)?");

    private void patchUpload(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        synchronized (u) {
            String range = x.requestHeader("Content-Range");
            if (range != null) {
                Matcher r = CONTENT_RANGE.matcher(range.trim());
                if (!r.matches() || r.group(1).length() > 18 || r.group(2).length() > 18
                        || Long.parseLong(r.group(2)) < Long.parseLong(r.group(1))) {
                    throw RegistryError.uploadInvalid("malformed Content-Range " + range + " (expected <start>-<end>)");
                }
                if (Long.parseLong(r.group(1)) != u.ingest.count()) {
                    x.header("Range", "0-" + Math.max(0, u.ingest.count() - 1));
                    x.header("Location", "/v2/" + name + "/blobs/uploads/" + id);
                    throw new RegistryError(416, "BLOB_UPLOAD_INVALID", "chunk " + range + " does not start at "
                            + u.ingest.count());
                }
            }
            try (InputStream in = x.body()) {
                u.ingest.transferFrom(Channels.newChannel(in), null);
            } catch (IOException e) {
                uploads.remove(id);
                closeQuietly(u.ingest);
                throw e;
            }
            accepted(x, name, id, u.ingest.count());
        }
    }

    private void finishUpload(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        String digest = x.query().get("digest");
        if (digest == null) {
            throw RegistryError.digestInvalid("the final PUT of an upload needs ?digest=");
        }
        Digest expected = parseDigest(digest);
        synchronized (u) {
            uploads.remove(id);
            try (Ingest ingest = u.ingest; InputStream in = x.body()) {
                if (algorithmOf(expected) != DigestAlgorithm.SHA256) {
                    throw RegistryError.digestInvalid("uploads in several requests are hashed with sha256; "
                            + expected.algorithm() + " only in one POST");
                }
                ingest.transferFrom(Channels.newChannel(in), null);
                commit(ingest, expected);
            }
        }
        created(x, name, expected);
    }

    private void uploadStatus(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        x.header("Location", "/v2/" + name + "/blobs/uploads/" + id);
        x.header("Range", "0-" + Math.max(0, u.ingest.count() - 1));
        x.header("Docker-Upload-UUID", id);
        x.send(204, null);
    }

    private void cancelUpload(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        uploads.remove(id);
        u.ingest.close();
        x.send(204, null);
    }

    private static void commit(Ingest ingest, Digest expected) throws IOException {
        try {
            ingest.commit(expected);
        } catch (IntegrityException e) {
            throw RegistryError.digestInvalid(e.getMessage());
        }
    }

    private static DigestAlgorithm algorithmOf(Digest d) {
        return d.knownAlgorithm().orElseThrow(() -> RegistryError.digestInvalid("unsupported digest algorithm: "
                + d.algorithm()));
    }

    /** A digest of an algorithm this registry implements; anything else is {@code DIGEST_INVALID}. */
    private static Digest parseDigest(String text) {
        Digest d = Digest.tryParse(text);
        if (d == null) {
            throw RegistryError.digestInvalid("invalid digest: " + text);
        }
        if (d.knownAlgorithm().isEmpty()) {
            throw RegistryError.digestInvalid("unsupported digest algorithm " + d.algorithm() + " in " + text
                    + " (sha256 and sha512 are)");
        }
        return d;
    }

    private void accepted(Exchange x, String name, String id, long count) throws IOException {
                x.header("Location", "/v2/" + name + "/blobs/uploads/" + id);
        x.header("Range", "0-" + Math.max(0, count - 1));
        x.header("Docker-Upload-UUID", id);
        x.send(202, null);
    }

    private void created(Exchange x, String name, Digest digest) throws IOException {
                x.header("Location", "/v2/" + name + "/blobs/" + digest);
        x.header("Docker-Content-Digest", digest.toString());
        x.send(201, null);
    }

    // ------------------------------------------------------------------ listings

    private void tags(Exchange x, String name) throws IOException {
        Layout layout = existing(name);
        List<String> all = Tags.list(layout.index().read()).stream().map(Tags.Tag::name).distinct().sorted().toList();
        page(x, "/v2/" + name + "/tags/list", all, "tags", JSON.objectNode().put("name", name));
    }

    private void catalog(Exchange x) throws IOException {
        page(x, "/v2/_catalog", repositories.names(), "repositories", JSON.objectNode());
    }

    /** A list with the spec's {@code n}/{@code last} pagination and a {@code Link} header to the next page. */
    private void page(Exchange x, String path, List<String> all, String field, ObjectNode body) throws IOException {
        Map<String, String> q = x.query();
        String last = q.get("last");
        int n = Integer.MAX_VALUE;
        if (q.get("n") != null) {
            try {
                n = Integer.parseInt(q.get("n"));
            } catch (NumberFormatException e) {
                throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid n: " + q.get("n"));
            }
            if (n < 0) {
                throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid n: " + n);
            }
        }
        List<String> after = last == null ? all : all.stream().filter(t -> t.compareTo(last) > 0).toList();
        List<String> shown = after.subList(0, Math.min(n, after.size()));
        ArrayNode list = body.putArray(field);
        shown.forEach(list::add);
        if (shown.size() < after.size() && !shown.isEmpty()) {
            x.header("Link", "<" + path + "?n=" + n + "&last="
                    + java.net.URLEncoder.encode(shown.get(shown.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        json(x, 200, body);
    }

    private void referrers(Exchange x, String name, String subject) throws IOException {
        Layout layout = existing(name);
        Digest digest = parseDigest(subject);
        String artifactType = x.query().get("artifactType");
        ReferrerIndex index = ReferrerIndex.build(layout, false);
        List<Descriptor> found = new ArrayList<>();
        index.referrers(digest, artifactType).forEach(r -> found.add(r.descriptor()));
        if (artifactType != null) {
            x.header("OCI-Filters-Applied", "artifactType");
        }
        ImageIndex response = new ImageIndex(2, MediaType.OCI_INDEX, null, found, null, null, null);
        x.header("Content-Type", MediaType.OCI_INDEX);
        x.send(200, ModelJson.toBytes(response, false));
    }

    // ------------------------------------------------------------------ responses

    private static String contentType(Exchange x) {
        String t = x.requestHeader("Content-Type");
        if (t == null || t.isBlank()) {
            return null;
        }
        int semi = t.indexOf(';');
        return (semi < 0 ? t : t.substring(0, semi)).trim();
    }

    private static void json(Exchange x, int status, ObjectNode body) throws IOException {
        x.header("Content-Type", "application/json");
        x.send(status, ModelJson.mapper().writeValueAsBytes(body));
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
        ObjectNode body = JSON.objectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message == null ? code : scrub(message));
        x.header("Content-Type", "application/json");
        if (x.committed()) {
            throw new IOException(code + ": " + message); // the response had started: Jetty closes the connection
        }
        x.send(status, ModelJson.mapper().writeValueAsBytes(body));
    }

}
