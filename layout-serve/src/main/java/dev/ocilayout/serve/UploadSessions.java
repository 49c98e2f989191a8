package dev.ocilayout.serve;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Ingest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /v2/<name>/blobs/uploads/}: the upload sessions (POST, with {@code digest=} in one request or a
 * {@code mount=}; PATCH chunks; PUT to close; GET status; DELETE), each writing through a verifying ingest
 * whose temp file it holds, bounded in all, per client and per repository, dropped when idle.
 */
final class UploadSessions {
    private final Repositories repositories;
    private final RegistryServer.Limits limits;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

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

    UploadSessions(Repositories repositories, RegistryServer.Limits limits) {
        this.repositories = repositories;
        this.limits = limits;
    }

    /** Drops the sessions unused for longer than the idle limit, with their temp files. */
    void dropIdle() {
        long limit = System.nanoTime() - limits.idle().toNanos();
        uploads.entrySet().removeIf(e -> {
            if (e.getValue().lastUsed < limit) {
                closeQuietly(e.getValue().ingest);
                return true;
            }
            return false;
        });
    }

    /** Ends every session (the server stops): no temp file stays. */
    void closeAll() {
        uploads.values().forEach(u -> closeQuietly(u.ingest));
        uploads.clear();
    }

    private static void closeQuietly(Ingest ingest) {
        try {
            ingest.close();
        } catch (IOException e) {
            // the temp file is left for gc
        }
    }

    void startUpload(Exchange x, String name, String client) throws IOException {
        Layout layout = repositories.get(name, true);
        Map<String, String> q = x.query();
        String mount = q.get("mount");
        if (mount != null && mount(x, name, layout, mount, q.get("from"))) {
            return;
        }
        String digest = q.get("digest");
        if (digest != null) {
            Digest expected = Responses.parseDigest(digest);
            try (Ingest ingest = layout.blobs().newIngest(algorithmOf(expected), MediaType.OCTET_STREAM);
                 InputStream in = x.body()) {
                ingest.transferFrom(Channels.newChannel(in), null);
                commit(ingest, expected);
            }
            created(x, name, expected);
            return;
        }
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
    void requireUploadRoom(Exchange x, String name, String client) {
        RegistryServer.Limits l = limits;
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
        Digest digest = Responses.parseDigest(mount);
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

    void patchUpload(Exchange x, String name, String id) throws IOException {
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

    void finishUpload(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        String digest = x.query().get("digest");
        if (digest == null) {
            throw RegistryError.digestInvalid("the final PUT of an upload needs ?digest=");
        }
        Digest expected = Responses.parseDigest(digest);
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

    void uploadStatus(Exchange x, String name, String id) throws IOException {
        Upload u = upload(name, id);
        x.header("Location", "/v2/" + name + "/blobs/uploads/" + id);
        x.header("Range", "0-" + Math.max(0, u.ingest.count() - 1));
        x.header("Docker-Upload-UUID", id);
        x.send(204, null);
    }

    void cancelUpload(Exchange x, String name, String id) throws IOException {
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

    void accepted(Exchange x, String name, String id, long count) throws IOException {
                x.header("Location", "/v2/" + name + "/blobs/uploads/" + id);
        x.header("Range", "0-" + Math.max(0, count - 1));
        x.header("Docker-Upload-UUID", id);
        x.send(202, null);
    }

    void created(Exchange x, String name, Digest digest) throws IOException {
                x.header("Location", "/v2/" + name + "/blobs/" + digest);
        x.header("Docker-Content-Digest", digest.toString());
        x.send(201, null);
    }
}
