package dev.ocilayout.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The distribution-spec client side, on the JDK's {@link HttpClient}: manifests and blobs by digest or tag,
 * monolithic blob uploads, manifest pushes, and the referrers API with the spec's fallback tag. Speaks basic
 * auth and the bearer-token flow (the {@code WWW-Authenticate} challenge, a token per scope).
 */
public final class RegistryClient {
    /**
     * How to reach a registry.
     *
     * @param plainHttp   http:// instead of https://
     * @param insecure    https without verifying the certificate
     * @param tls         the TLS context for https ({@link CertDir}: more trusted roots, a client certificate);
     *                    null for the JDK's
     */
    public record Options(boolean plainHttp, boolean insecure, Credentials credentials, SSLContext tls) {
        public Options(boolean plainHttp, boolean insecure, Credentials credentials) {
            this(plainHttp, insecure, credentials, null);
        }

        public static Options defaults() {
            return new Options(false, false, Credentials.NONE);
        }
    }

    static final String ACCEPT = String.join(", ", MediaType.OCI_MANIFEST, MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST,
            MediaType.DOCKER_MANIFEST_LIST, MediaType.ORAS_ARTIFACT_MANIFEST);
    /** Manifests and referrers responses are read into memory only up to this size (the layout's cap). */
    static final int MAX_MANIFEST_BYTES = ModelJson.MAX_MANIFEST_BYTES;
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final String registry;
    private final String base;
    private final Options options;
    private final HttpClient http;
    private final Map<String, String> authByScope = new ConcurrentHashMap<>();

    public RegistryClient(String registry, Options options) {
        this.registry = registry;
        this.options = options;
        this.base = (options.plainHttp() ? "http://" : "https://") + registry;
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30));
        if (options.insecure() && !options.plainHttp()) {
            b.sslContext(trustAll());
        } else if (options.tls() != null && !options.plainHttp()) {
            b.sslContext(options.tls());
        }
        this.http = b.build();
    }

    public String registry() {
        return registry;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            // an X509ExtendedTrustManager: JSSE then leaves the host name check to it too, and it checks nothing
            ctx.init(null, new TrustManager[] {new javax.net.ssl.X509ExtendedTrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine e) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS", e);
        }
    }

    // ------------------------------------------------------------------ manifests

    /** The manifest {@code reference} (tag or digest) names, or empty when the registry has none. */
    public Optional<RawManifest> manifest(String repository, String reference) throws IOException {
        HttpResponse<InputStream> r = send(repository, false, () -> HttpRequest.newBuilder(url(repository, "manifests/" + reference))
                .header("Accept", ACCEPT).GET(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r.statusCode(), bytes, 200, "GET manifest " + repository + ":" + reference);
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new InvalidContentException("manifest " + reference + " from " + registry + " is over "
                    + MAX_MANIFEST_BYTES + " bytes; refused before reading the rest");
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
        if (type == null || type.isEmpty() || type.startsWith("application/json") || type.startsWith("text/")) {
            JsonNode mt = ModelJson.readObject(bytes, "manifest " + reference).get("mediaType");
            type = mt != null && mt.isTextual() ? mt.textValue() : MediaType.OCI_MANIFEST;
        }
        Digest named = Digest.tryParse(reference);
        if (named == null) {
            return Optional.of(RawManifest.made(type, bytes));
        }
        try {
            return Optional.of(RawManifest.of(Descriptor.of(type, named, bytes.length), bytes));
        } catch (IntegrityException e) {
            throw new DigestMismatchException("manifest " + reference + " from " + registry, named, Digest.sha256(bytes));
        }
    }

    /** A response body read into memory, refused past the manifest cap. */
    private static byte[] bounded(HttpResponse<InputStream> r, String what) throws IOException {
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new InvalidContentException(what + " is over " + MAX_MANIFEST_BYTES + " bytes; refused before reading the rest");
        }
        return bytes;
    }

    /** Pushes a manifest under a tag or its digest; returns the subject the registry says it indexed, if any. */
    public Optional<String> putManifest(String repository, String reference, byte[] bytes, String mediaType) throws IOException {
        HttpResponse<byte[]> r = send(repository, true, () -> HttpRequest.newBuilder(url(repository, "manifests/" + reference))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                HttpResponse.BodyHandlers.ofByteArray());
        expect(r, 201, "PUT manifest " + repository + ":" + reference);
        return r.headers().firstValue("OCI-Subject");
    }

    /**
     * Deletes a manifest by tag or digest (distribution-spec "deleting manifests"; by tag where the registry
     * supports it). A registry that does not is an {@link UnsupportedException} naming its answer.
     */
    public void deleteManifest(String repository, String reference) throws IOException {
        HttpResponse<byte[]> r = send(repository, true, () -> HttpRequest.newBuilder(url(repository, "manifests/"
                + reference)).DELETE(), HttpResponse.BodyHandlers.ofByteArray());
        int status = r.statusCode();
        if (status == 400 || status == 405 || status == 501) {
            String body = new String(r.body(), 0, Math.min(r.body().length, 4096), StandardCharsets.UTF_8);
            throw new UnsupportedException(registry + " does not delete " + repository + ":" + reference + " (HTTP "
                    + status + (body.isBlank() ? "" : " " + Text.oneLine(body)) + ")");
        }
        expect(r, 202, "DELETE manifest " + repository + ":" + reference);
    }

    // ------------------------------------------------------------------ blobs

    /** Whether the repository has the manifest (HEAD, nothing read). */
    public boolean hasManifest(String repository, Digest digest) throws IOException {
        HttpResponse<Void> r = send(repository, false, () -> HttpRequest.newBuilder(url(repository, "manifests/" + digest))
                .header("Accept", ACCEPT).method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
    }

    public boolean hasBlob(String repository, Digest digest) throws IOException {
        return blobSize(repository, digest).isPresent();
    }

    /** The blob's size as a HEAD answers it, or empty when the repository has no such blob. */
    public java.util.OptionalLong blobSize(String repository, Digest digest) throws IOException {
        HttpResponse<Void> r = send(repository, false, () -> HttpRequest.newBuilder(url(repository, "blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /** The blob's bytes, unverified: the caller stores them through a verifying ingest. */
    public InputStream blob(String repository, Digest digest) throws IOException {
        HttpResponse<InputStream> r = send(repository, false, () -> HttpRequest.newBuilder(url(repository, "blobs/" + digest))
                .GET(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            if (r.statusCode() == 404) {
                throw new NotFoundException("blob " + digest + " is not in " + registry + "/" + repository);
            }
            throw new LayoutException("GET blob " + digest + " from " + registry + ": HTTP " + r.statusCode());
        }
        return r.body();
    }

    /**
     * Asks the registry to mount a blob from another of its repositories; true when it did (201), false when it
     * started an upload instead (202, which is then cancelled) or refused.
     */
    public boolean mountBlob(String repository, Digest digest, String from) throws IOException {
        HttpResponse<byte[]> r = send(repository, true, () -> HttpRequest.newBuilder(url(repository, "blobs/uploads/?mount="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8) + "&from="
                + URLEncoder.encode(from, StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 201) {
            return true;
        }
        if (r.statusCode() == 202) {
            String location = r.headers().firstValue("Location").orElse(null);
            if (location != null) {
                URI at = URI.create(base + "/").resolve(location);
                send(repository, true, () -> HttpRequest.newBuilder(at).DELETE(), HttpResponse.BodyHandlers.discarding());
            }
        }
        return false;
    }

    /** Uploads a blob: POST for a session, then one PUT with the content and its digest. */
    public void putBlob(String repository, Descriptor blob, Supplier<InputStream> content) throws IOException {
        HttpResponse<byte[]> start = send(repository, true, () -> HttpRequest.newBuilder(url(repository, "blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
        expect(start, 202, "POST upload " + repository);
        String location = start.headers().firstValue("Location").orElseThrow(() -> new IOException(
                registry + " started an upload without a Location"));
        URI at = URI.create(base + "/").resolve(location);
        URI put = URI.create(at + (at.getRawQuery() == null ? "?" : "&") + "digest="
                + URLEncoder.encode(blob.digest().toString(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> done = send(repository, true, () -> HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(content), blob.size())),
                HttpResponse.BodyHandlers.ofByteArray());
        expect(done, 201, "PUT blob " + blob.digest());
    }

    // ------------------------------------------------------------------ referrers

    /**
     * The referrers of {@code subject}: from the referrers API when the registry has it, else from the fallback
     * tag ({@code sha256-<hex>}), else none.
     */
    public List<Descriptor> referrers(String repository, Digest subject) throws IOException {
        HttpResponse<InputStream> r = send(repository, false, () -> HttpRequest.newBuilder(url(repository, "referrers/" + subject))
                .header("Accept", MediaType.OCI_INDEX).GET(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] body = bounded(r, "referrers of " + subject + " from " + registry);
        if (r.statusCode() == 200) {
            return ModelJson.parseIndex(body, "referrers of " + subject + " from " + registry).manifests();
        }
        return fallbackIndex(repository, subject).map(ImageIndex::manifests).orElse(List.of());
    }

    /**
     * Every tag of the repository, in the order the registry lists them, following its {@code Link} pages;
     * each page bounded like a manifest.
     */
    public List<String> tags(String repository) throws IOException {
        List<String> tags = new java.util.ArrayList<>();
        URI next = url(repository, "tags/list");
        for (int page = 0; next != null; page++) {
            if (page > 10_000) {
                throw new InvalidContentException("tags of " + repository + " from " + registry + ": over 10,000 pages");
            }
            URI at = next;
            HttpResponse<InputStream> r = send(repository, false, () -> HttpRequest.newBuilder(at).GET(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body = bounded(r, "tags of " + repository + " from " + registry);
            expect(r.statusCode(), body, 200, "GET tags of " + repository);
            JsonNode list = ModelJson.readObject(body, "tags of " + repository + " from " + registry).path("tags");
            list.forEach(t -> tags.add(t.asText()));
            next = r.headers().firstValue("Link").map(this::nextPage).orElse(null);
        }
        return tags;
    }

    /** The next page a {@code Link: <...>; rel="next"} header names, resolved against the registry. */
    private URI nextPage(String link) {
        int open = link.indexOf('<');
        int close = link.indexOf('>', open + 1);
        if (open < 0 || close < 0 || !link.substring(close).contains("rel=\"next\"")) {
            return null;
        }
        return URI.create(base + "/").resolve(link.substring(open + 1, close));
    }

    /**
     * The index under the fallback tag of {@code subject}, if the registry has one.
     *
     * @throws InvalidContentException when something is under that tag but is not an image index we can read
     */
    public Optional<ImageIndex> fallbackIndex(String repository, Digest subject) throws IOException {
        Optional<RawManifest> f = manifest(repository, ReferrerKeys.fallbackTag(subject));
        if (f.isEmpty()) {
            return Optional.empty();
        }
        // not an index, or not one we can read: never taken as absent (its referrers would be lost on a rewrite)
        return Optional.of(ModelJson.parseIndex(f.get().bytes(), "the fallback tag " + ReferrerKeys.fallbackTag(subject)
                + " of " + subject + " in " + registry + "/" + repository));
    }

    // ------------------------------------------------------------------ HTTP with auth

    private URI url(String repository, String path) {
        return URI.create(base + "/v2/" + repository + "/" + path);
    }

    private static void expect(HttpResponse<?> r, int status, String what) throws IOException {
        expect(r.statusCode(), r.body() instanceof byte[] b ? b : new byte[0], status, what);
    }

    private static void expect(int actual, byte[] bytes, int status, String what) throws IOException {
        if (actual == status || status == 201 && actual == 200 || status == 202 && actual == 201) {
            return;
        }
        String body = new String(bytes, 0, Math.min(bytes.length, 64 * 1024), StandardCharsets.UTF_8);
        String detail = body;
        try {
            JsonNode e = ModelJson.mapper().readTree(body).path("errors").path(0);
            if (e.has("code")) {
                detail = e.path("code").asText() + ": " + e.path("message").asText();
            }
        } catch (IOException notJson) {
            // the raw body then
        }
        String message = what + ": HTTP " + actual + (detail.isBlank() ? "" : " " + Text.oneLine(detail));
        if (actual == 404) {
            throw new NotFoundException(message);
        }
        // a 403 with a reason of its own (a policy: an unsigned image, say) is not about credentials
        if (actual == 401 || actual == 403 && (detail.isBlank() || detail.toLowerCase(java.util.Locale.ROOT).contains("access"))) {
            throw Hint.on(new LayoutException(message), Hint.Kind.GIVE_CREDENTIALS);
        }
        throw new LayoutException(message);
    }

    /**
     * Sends a request with this scope's authorization; on a 401 answers the challenge (basic, or a bearer token
     * from the realm) and sends it once more.
     */
    private <T> HttpResponse<T> send(String repository, boolean push, Supplier<HttpRequest.Builder> request,
                                     HttpResponse.BodyHandler<T> handler) throws IOException {
        String scope = "repository:" + repository + ":" + (push ? "pull,push" : "pull");
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder b = request.get();
            String auth = authByScope.get(scope);
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<T> r;
            try {
                r = http.send(b.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted talking to " + registry);
            } catch (java.net.ConnectException e) {
                LayoutException refused = new LayoutException("cannot reach " + registry + ": connection refused", e);
                throw options.plainHttp() ? refused : Hint.on(refused, Hint.Kind.USE_PLAIN_HTTP);
            } catch (javax.net.ssl.SSLException e) {
                throw Hint.on(new LayoutException("cannot talk TLS to " + registry + ": " + e.getMessage(), e),
                        Hint.Kind.USE_PLAIN_HTTP_OR_INSECURE);
            }
            if (r.statusCode() != 401 || attempt > 0) {
                return r;
            }
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            authByScope.put(scope, authorize(challenge, scope));
        }
    }

    private String authorize(String challenge, String scope) throws IOException {
        Credentials creds = options.credentials().present() ? options.credentials() : Credentials.fromDockerConfig(registry);
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (!creds.present()) {
                throw Hint.on(new LayoutException(registry + " asks for a user name and password"),
                        Hint.Kind.GIVE_CREDENTIALS);
            }
            return creds.basic();
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new LayoutException(registry + " asks for authentication this tool does not speak: " + Text.quote(challenge));
        }
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new LayoutException(registry + " sent a bearer challenge without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).GET();
        if (creds.present()) {
            b.header("Authorization", creds.basic());
        }
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted getting a token from " + realm);
        }
        if (r.statusCode() != 200) {
            r.body().close();
            LayoutException refused = new LayoutException("the token service " + realm + " refused (HTTP "
                    + r.statusCode() + ")");
            throw creds.present() ? refused : Hint.on(refused, Hint.Kind.GIVE_CREDENTIALS);
        }
        JsonNode token = ModelJson.mapper().readTree(bounded(r, "the token from " + realm));
        String t = token.path("token").asText(token.path("access_token").asText(""));
        if (t.isEmpty()) {
            throw new LayoutException("the token service " + realm + " sent no token");
        }
        return "Bearer " + t;
    }
}
