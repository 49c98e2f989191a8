package dev.ocilayout.mirror;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.registry.Credentials;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryTarget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a store with what an {@link ImageSet} selects (spec-notes/image-sets.md). The store is one layout
 * holding many repositories by full names ({@code registry.example.com/team/app:v1}), so that a blob two
 * images share is stored once and the store is exported, checked and served as any layout. Each image goes
 * through the copy engine: what the store has is skipped, so a second run fetches only what changed
 * upstream; an image selected by digest is an untagged entry named by {@code io.containerd.image.name}.
 * One image failing does not stop the others; the report says what failed and why.
 */
public final class Mirror {
    /** What became of one selected image. */
    public enum Status { ADDED, UPDATED, PRESENT, WOULD_COPY, FAILED }

    /**
     * @param repository the full repository name in the store ({@code registry.example.com/team/app})
     * @param reference  the tag or digest selected
     * @param digest     what the store holds for it now (null when failed)
     * @param bytes      bytes fetched for it
     * @param message    why it failed, else null
     */
    public record Item(String repository, String reference, Status status, Digest digest, long bytes, String message) {
    }

    public record Report(List<Item> items) {
        public Report {
            items = List.copyOf(items);
        }

        public long count(Status s) {
            return items.stream().filter(i -> i.status() == s).count();
        }
    }

    /**
     * @param parallel          blobs fetched at once per image
     * @param imagesPerRegistry images copied at once from one registry (the bound on what one registry is asked)
     */
    public record Options(boolean dryRun, int parallel, int imagesPerRegistry) {
        public Options {
            parallel = Math.max(1, parallel);
            imagesPerRegistry = Math.max(1, imagesPerRegistry);
        }

        public Options(boolean dryRun, int parallel) {
            this(dryRun, parallel, 4);
        }

        public static Options defaults() {
            return new Options(false, 4, 4);
        }
    }

    private final ImageSet set;
    private final Layout store;
    private final Options options;
    private final Map<String, RegistryClient> clients = new LinkedHashMap<>();

    private Mirror(ImageSet set, Layout store, Options options) {
        this.set = set;
        this.store = store;
        this.options = options;
    }

    public static Report run(ImageSet set, Layout store, Options options) throws IOException {
        return new Mirror(set, store, options).run();
    }

    /** The full name an image of a registry block is stored under: Docker Hub's short names get library/. */
    public static String fullName(String host, String repository) {
        boolean hub = host.equals("docker.io") || host.equals("index.docker.io") || host.equals("registry-1.docker.io");
        return (hub ? "docker.io" : host) + "/" + (hub && repository.indexOf('/') < 0 ? "library/" + repository : repository);
    }

    /**
     * Registry by registry: the tags listed, then the selected images copied, {@code imagesPerRegistry} at a
     * time (copies into one store serialize only their {@code index.json} updates); the report keeps the set's
     * order.
     */
    private Report run() throws IOException {
        List<Item> items = new ArrayList<>();
        for (ImageSet.Registry registry : set.registries()) {
            List<java.util.function.Supplier<Item>> work = new ArrayList<>(); // each catches its own failure
            for (String repository : registry.repositories()) {
                String full = fullName(registry.host(), repository);
                List<String> selected;
                RegistryClient client;
                try {
                    client = client(registry, repository);
                    selected = registry.select(repository, registry.needsTagList(repository)
                            ? client.tags(repository) : List.of());
                } catch (IOException | IllegalArgumentException e) {
                    work.add(() -> new Item(full, "*", Status.FAILED, null, 0, "cannot list its tags: " + message(e)));
                    continue;
                }
                for (String reference : selected) {
                    work.add(() -> one(client, repository, full, reference));
                }
            }
            items.addAll(dev.ocilayout.io.Parallel.map(work, options.imagesPerRegistry(), java.util.function.Supplier::get));
        }
        for (ImageSet.Local local : set.locals()) {
            items.addAll(local(local));
        }
        return new Report(items);
    }

    /**
     * A layout or an archive as a source: its names taken as the set says, full names kept, plain tags put
     * under the repository the set gives them. Read in place, through the same copy engine.
     */
    private List<Item> local(ImageSet.Local local) {
        List<Item> out = new ArrayList<>();
        String where = local.location().toString();
        dev.ocilayout.content.ReadOnlyTarget source;
        List<String> names;
        try {
            source = local.location().kind() == dev.ocilayout.model.Address.Kind.LAYOUT
                    ? new LayoutTarget(Layout.open(java.nio.file.Path.of(local.location().location()), store.options()))
                    : dev.ocilayout.archive.ArchiveTarget.open(java.nio.file.Path.of(local.location().location()),
                            store.options());
            names = local.images().isEmpty() ? source.tags() : local.images();
        } catch (IOException | IllegalArgumentException e) {
            out.add(new Item(where, "*", Status.FAILED, null, 0, "cannot read it: " + message(e)));
            return out;
        }
        for (String name : names) {
            String repository = dev.ocilayout.model.RefName.repositoryOf(name);
            String full = repository != null ? repository : local.repository();
            if (full == null) {
                out.add(new Item(where, name, Status.FAILED, null, 0, "a plain tag needs the repository it goes to"
                        + " (repository: in the set)"));
                continue;
            }
            String tag = dev.ocilayout.model.RefName.tagOf(name);
            try {
                RepositoryScope scope = RepositoryScope.of(full);
                Digest before = held(scope, tag, null);
                if (options.dryRun()) {
                    Descriptor d = source.resolve(name);
                    out.add(new Item(full, tag, d.digest().equals(before) ? Status.PRESENT : Status.WOULD_COPY, d.digest(),
                            0, null));
                    continue;
                }
                TargetCopy.Report r = TargetCopy.copy(source, name, new LayoutTarget(store, null, scope), tag,
                        copyOptions(), null);
                Digest after = r.root().digest();
                out.add(new Item(full, tag, after.equals(before) && r.copied() == 0 && r.mounted() == 0 ? Status.PRESENT
                        : before == null ? Status.ADDED : Status.UPDATED, after, r.bytes(), null));
            } catch (IOException | IllegalArgumentException e) {
                out.add(new Item(full, tag, Status.FAILED, null, 0, message(e)));
            }
        }
        return out;
    }

    private TargetCopy.Options copyOptions() {
        return TargetCopy.Options.defaults().withReferrers(set.referrers()).withReferrerTypes(set.referrerTypes())
                .withPlatforms(set.platforms()).withParallel(options.parallel());
    }

    private Item one(RegistryClient client, String repository, String full, String reference) {
        RepositoryScope scope = RepositoryScope.of(full);
        Digest byDigest = Digest.ofReference(reference);
        try {
            RegistryTarget source = new RegistryTarget(client, repository);
            Digest before = held(scope, reference, byDigest);
            if (options.dryRun()) {
                Descriptor upstream = source.resolve(reference);
                boolean same = upstream.digest().equals(before) && set.platforms().isEmpty();
                return new Item(full, reference, same ? Status.PRESENT : Status.WOULD_COPY, upstream.digest(), 0, null);
            }
            TargetCopy.Report r = TargetCopy.copy(source, reference, new LayoutTarget(store, null, scope),
                    byDigest == null ? reference : null, copyOptions(), null);
            if (byDigest != null) {
                nameByDigest(full, r.root());
            }
            Digest after = r.root().digest();
            Status status = after.equals(before) && r.copied() == 0 ? Status.PRESENT
                    : before == null ? Status.ADDED : Status.UPDATED;
            return new Item(full, reference, status, after, r.bytes(), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Item(full, reference, Status.FAILED, null, 0, message(e));
        }
    }

    /** What the store holds for a tag or a digest of the repository now, or null. */
    private Digest held(RepositoryScope scope, String reference, Digest byDigest) throws IOException {
        ImageIndex index = store.index().read();
        if (byDigest != null) {
            String name = scope.name() + "@" + byDigest;
            return index.manifests().stream().anyMatch(d -> name.equals(d.annotation(Annotations.CONTAINERD_IMAGE_NAME)))
                    ? byDigest : null;
        }
        String stored = scope.find(index, reference);
        return stored == null ? null : store.resolveTag(stored).digest();
    }

    /** An image taken by digest: its untagged entry, named {@code REPOSITORY@DIGEST} for export and push. */
    private void nameByDigest(String full, Descriptor root) throws IOException {
        String name = full + "@" + root.digest();
        store.index().update(index -> {
            List<Descriptor> list = new ArrayList<>();
            boolean named = false;
            for (Descriptor d : index.manifests()) {
                if (d.refName() == null && d.digest().equals(root.digest()) && d.annotations().isEmpty() && !named) {
                    list.add(d.withAnnotation(Annotations.CONTAINERD_IMAGE_NAME, name));
                    named = true;
                } else {
                    if (name.equals(d.annotation(Annotations.CONTAINERD_IMAGE_NAME))) {
                        named = true;
                    }
                    list.add(d);
                }
            }
            if (!named) {
                list.add(Descriptor.of(root.mediaType(), root.digest(), root.size())
                        .withAnnotation(Annotations.CONTAINERD_IMAGE_NAME, name));
            }
            return index.withManifests(list);
        });
    }

    /** One client per registry, speaking TLS, unverified TLS or plain HTTP as its block says. */
    private RegistryClient client(ImageSet.Registry registry, String probe) throws IOException {
        RegistryClient known = clients.get(registry.host());
        if (known != null) {
            return known;
        }
        RegistryClient c = Upstreams.connect(registry, probe);
        clients.put(registry.host(), c);
        return c;
    }

    static String message(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    /** Registry clients for image-set blocks. */
    static final class Upstreams {
        private Upstreams() {
        }

        /**
         * A client for the block's registry: plain HTTP with {@code plain-http}; with {@code tls-verify: false},
         * TLS without verification, or plain HTTP when the registry's port does not speak TLS at all (skopeo's
         * insecure registries fall back the same way: its HTTPS attempt fails there, and it retries over HTTP;
         * asking the port once in plain HTTP costs a millisecond where a failed TLS handshake costs 0.2 s);
         * {@code cert-dir}'s roots and client certificate for TLS ({@link dev.ocilayout.registry.CertDir});
         * credentials from the block, else Docker's config.
         */
        static RegistryClient connect(ImageSet.Registry registry, String probe) throws IOException {
            Credentials credentials = registry.username() != null
                    ? new Credentials(registry.username(), registry.password())
                    : Credentials.fromDockerConfig(registry.host());
            boolean insecure = Boolean.FALSE.equals(registry.tlsVerify());
            boolean plain = registry.plainHttp() || insecure && speaksPlainHttp(registry.host());
            javax.net.ssl.SSLContext tls = registry.certDir() == null || plain || insecure ? null
                    : dev.ocilayout.registry.CertDir.sslContext(registry.certDir());
            return new RegistryClient(registry.host(), new RegistryClient.Options(plain, insecure && !plain, credentials,
                    tls));
        }

        /** Whether the host's port answers a plain HTTP request with an HTTP response (a TLS port does not). */
        static boolean speaksPlainHttp(String host) {
            int colon = host.lastIndexOf(':');
            String name = colon > 0 && host.indexOf(']') < colon ? host.substring(0, colon) : host;
            int port = colon > 0 && host.indexOf(']') < colon ? Integer.parseInt(host.substring(colon + 1)) : 443;
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(name.replaceAll("^\\[|\\]$", ""), port), 3000);
                s.setSoTimeout(3000);
                s.getOutputStream().write(("GET /v2/ HTTP/1.0\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] head = s.getInputStream().readNBytes(5);
                return new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("HTTP/");
            } catch (IOException | NumberFormatException e) {
                return false; // no answer in plain HTTP: TLS it is, and its errors are reported as they come
            }
        }
    }
}
