package dev.ocilayout.mirror;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a store inside: every repository with its tags, its images taken by digest and their referrers
 * (through the registry's referrers API, or its fallback tag), each under {@code REGISTRY/PREFIX/} and the
 * repository's path without its registry ({@code docker.io/library/nginx} → {@code PREFIX/library/nginx});
 * blobs the registry has are skipped, so a rerun resumes. It also says how clients reach the mirror: a
 * containers {@code registries.conf} snippet (podman, CRI-O, buildah) and a JSON mapping.
 */
public final class MirrorPush {
    /** One repository: where it came from, where it went, and what was pushed or failed. */
    public record Pushed(String source, String mirror, List<String> tags, List<String> digests, List<String> failures) {
    }

    public record Report(List<Pushed> repositories, String registriesConf, String mapping) {
        public int failures() {
            return repositories.stream().mapToInt(r -> r.failures().size()).sum();
        }
    }

    /**
     * @param insecure whether the mirror is reached over plain HTTP or unverified TLS (written into registries.conf)
     * @param required public keys one of which must have signed every image pushed (empty: no rule)
     */
    public record Options(int parallel, boolean insecure, List<java.security.PublicKey> required) {
        public Options {
            required = required == null ? List.of() : List.copyOf(required);
        }

        public Options(int parallel, boolean insecure) {
            this(parallel, insecure, List.of());
        }
    }

    private MirrorPush() {
    }

    /** The repository's path without its registry: the first component when it is a host. */
    public static String path(String repository) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return repository;
        }
        String first = repository.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? repository.substring(slash + 1) : repository;
    }

    public static Report run(Layout store, RegistryClient client, String prefix, Options options) throws IOException {
        ImageIndex index = store.index().read();
        String base = prefix == null || prefix.isEmpty() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
        TargetCopy.Options copy = TargetCopy.Options.defaults().withReferrers(true).withParallel(options.parallel());
        if (!options.required().isEmpty()) {
            // every image, before anything is pushed: an unsigned one stops the push with nothing published
            for (String repository : RepositoryScope.named(index)) {
                RepositoryScope scope = RepositoryScope.of(repository);
                LayoutTarget source = new LayoutTarget(store, null, scope);
                for (RepositoryScope.Tagged t : scope.tags(index)) {
                    if (dev.ocilayout.sign.Signing.needsSignature(t.refName(), t.entry())) {
                        dev.ocilayout.sign.Signing.requireSigned(source, t.entry(), t.refName(), options.required());
                    }
                }
            }
        }
        List<Pushed> pushed = new ArrayList<>();
        for (String repository : RepositoryScope.named(index)) {
            String mirror = base + path(repository);
            RepositoryScope scope = RepositoryScope.of(repository);
            LayoutTarget source = new LayoutTarget(store, null, scope);
            RegistryTarget destination = new RegistryTarget(client, mirror);
            List<String> tags = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (RepositoryScope.Tagged t : scope.tags(index)) {
                try {
                    TargetCopy.copy(source, t.tag(), destination, t.tag(), copy, null);
                    tags.add(t.tag());
                } catch (IOException | IllegalArgumentException e) {
                    failures.add(t.tag() + ": " + Mirror.message(e));
                }
            }
            for (Descriptor d : index.manifests()) {
                String name = d.annotation(Annotations.CONTAINERD_IMAGE_NAME);
                if (d.refName() == null && name != null && name.equals(repository + "@" + d.digest())) {
                    try {
                        TargetCopy.copy(source, d.digest().toString(), destination, null, copy, null);
                        digests.add(d.digest().toString());
                    } catch (IOException | IllegalArgumentException e) {
                        failures.add(d.digest() + ": " + Mirror.message(e));
                    }
                }
            }
            pushed.add(new Pushed(repository, client.registry() + "/" + mirror, tags, digests, failures));
        }
        return new Report(pushed, registriesConf(pushed, options.insecure()), mapping(pushed));
    }

    /**
     * One {@code [[registry]]} per repository, its prefix the repository (the longest prefix wins, so these
     * never reach beyond what was mirrored), the mirror tried first and the source last, as containers'
     * registries.conf(5) rewrites: {@code newRef = mirror.location + ref[len(prefix):]}.
     */
    static String registriesConf(List<Pushed> pushed, boolean insecure) {
        StringBuilder s = new StringBuilder("# Written by oci-layout mirror push: pull these repositories from the mirror.\n"
                + "# Put it in /etc/containers/registries.conf.d/ (or ~/.config/containers/registries.conf).\n");
        for (Pushed p : pushed) {
            s.append("\n[[registry]]\nprefix = \"").append(p.source()).append("\"\nlocation = \"").append(p.source())
                    .append("\"\n\n[[registry.mirror]]\nlocation = \"").append(p.mirror()).append('"')
                    .append(insecure ? "\ninsecure = true\n" : "\n");
        }
        return s.toString();
    }

    static String mapping(List<Pushed> pushed) throws IOException {
        ArrayNode list = ModelJson.mapper().createArrayNode();
        for (Pushed p : pushed) {
            ObjectNode n = list.addObject().put("source", p.source()).put("mirror", p.mirror());
            p.tags().forEach(n.putArray("tags")::add);
            p.digests().forEach(n.putArray("digests")::add);
        }
        return new String(ModelJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(list), StandardCharsets.UTF_8)
                + "\n";
    }
}
