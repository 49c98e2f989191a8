package dev.ocilayout.lint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.content.BlobSource;
import dev.ocilayout.content.ManifestSource;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lints content offline: the image-spec's rules ({@link SpecChecks}) for every manifest and index reachable
 * from the given roots, their image configs, and, for each selected {@link RegistryProfile}, the refusals that
 * registry is known for ({@link Facts}). Reads each document once, as bytes, so that it reports what a strict
 * parser would refuse instead of stopping at it.
 */
public final class Linter {
    /** Where the documents are read from: a layout, or any source through its roles. */
    private interface Source {
        Graph walk(List<Descriptor> roots) throws IOException;

        byte[] manifest(Descriptor d) throws IOException;

        /** The config's bytes, or null when the source does not hold it. */
        byte[] config(Descriptor d) throws IOException;
    }

    private final Source source;
    private final int maxManifestBytes;
    private final Layout layout;
    private final List<RegistryProfile> profiles;
    private final List<Document> documents = new ArrayList<>();
    private final List<LintFinding> findings = new ArrayList<>();

    private Linter(Layout layout, List<RegistryProfile> profiles) {
        this.layout = layout;
        this.profiles = List.copyOf(profiles);
        this.maxManifestBytes = layout.options().maxManifestBytes();
        this.source = new Source() {
            @Override
            public Graph walk(List<Descriptor> roots) throws IOException {
                return GraphWalker.walk(layout, roots);
            }

            @Override
            public byte[] manifest(Descriptor d) throws IOException {
                return layout.readManifestBytes(d);
            }

            @Override
            public byte[] config(Descriptor d) throws IOException {
                return layout.blobs().exists(d.digest()) ? layout.blobs().read(d, maxManifestBytes) : null;
            }
        };
    }

    private <S extends ManifestSource & BlobSource> Linter(S roles, int maxManifestBytes, List<RegistryProfile> profiles) {
        this.layout = null;
        this.profiles = List.copyOf(profiles);
        this.maxManifestBytes = maxManifestBytes;
        this.source = new Source() {
            @Override
            public Graph walk(List<Descriptor> roots) throws IOException {
                return GraphWalker.walk(roles, roots);
            }

            @Override
            public byte[] manifest(Descriptor d) throws IOException {
                return roles.fetchManifest(d).bytes();
            }

            @Override
            public byte[] config(Descriptor d) throws IOException {
                if (!roles.exists(d)) {
                    return null;
                }
                try (java.io.InputStream in = roles.fetch(d)) {
                    return in.readAllBytes(); // bounded by the size checked before, verified at its end
                }
            }
        };
    }

    /**
     * Lints {@code root} and everything it reaches in any source (an archive read in place, a registry
     * repository), through its roles.
     */
    public static <S extends ManifestSource & BlobSource> LintReport lint(S roles, Descriptor root, int maxManifestBytes,
                                                                         List<RegistryProfile> profiles) throws IOException {
        Linter l = new Linter(roles, maxManifestBytes, profiles);
        l.walk(List.of(root));
        return l.report();
    }

    /** Lints the whole layout: {@code index.json} itself and everything its entries reach. */
    public static LintReport lintLayout(Layout layout, List<RegistryProfile> profiles) throws IOException {
        Linter l = new Linter(layout, profiles);
        List<Descriptor> entries = layout.index().read().manifests();
        l.indexJson();
        l.walk(entries);
        return l.report();
    }

    /** Lints {@code root} and everything it reaches. */
    public static LintReport lint(Layout layout, Descriptor root, List<RegistryProfile> profiles) throws IOException {
        Linter l = new Linter(layout, profiles);
        l.walk(List.of(root));
        return l.report();
    }

    private LintReport report() {
        return new LintReport(documents, findings, profiles);
    }

    private void indexJson() throws IOException {
        byte[] bytes = Files.readAllBytes(layout.root().resolve("index.json"));
        JsonNode json = ModelJson.mapper().readTree(bytes);
        Document doc = new Document(Descriptor.of(MediaType.OCI_INDEX, Digest.sha256(bytes), bytes.length), "index.json", json);
        for (LintFinding f : SpecChecks.check(doc, bytes.length)) {
            // the image-layout spec's own examples omit mediaType; index.json is never pushed, so mixing is moot
            if (!f.code().equals("OCI-MEDIATYPE-MISSING") && !f.code().equals("OCI-INDEX-MIXED-MEDIA-TYPES")) {
                findings.add(new LintFinding(f.code(), f.severity(), null, null, f.path(), "index.json: " + f.message(), f.fix()));
            }
        }
    }

    private void walk(List<Descriptor> roots) throws IOException {
        Graph graph = source.walk(roots);
        Map<Digest, String> names = names(graph, roots);
        Set<Digest> configsChecked = new HashSet<>();
        for (Graph.Node node : graph.nodes().values()) {
            if (!node.isManifestLike() && !SpecChecks.isManifest(node.descriptor().mediaType())) {
                continue;
            }
            Document doc = read(node, names.getOrDefault(node.digest(), ""));
            if (doc == null) {
                continue;
            }
            documents.add(doc);
            findings.addAll(SpecChecks.check(doc, node.descriptor().size()));
            if (doc.json() != null) {
                registryRules(doc);
                if (node.manifest() instanceof ImageManifest m && m.config() != null && configsChecked.add(m.config().digest())) {
                    config(m.config());
                }
            }
        }
        for (Graph.Problem p : graph.problems()) {
            problem(p);
        }
    }

    /** The document of a node, or null when there is nothing to read (the problem is reported from the walk). */
    private Document read(Graph.Node node, String name) throws IOException {
        Descriptor d = node.descriptor();
        if (node.presence() == Graph.Presence.MISSING || node.presence() == Graph.Presence.FOREIGN) {
            return null;
        }
        if (d.size() > maxManifestBytes) {
            return new Document(d, name, null); // reported by size alone
        }
        byte[] bytes;
        try {
            bytes = node.presence() == Graph.Presence.INLINE ? d.decodedData() : source.manifest(d);
        } catch (dev.ocilayout.error.LayoutException e) {
            return null; // corrupt: the walk reports it
        }
        try {
            return new Document(d, name, ModelJson.mapper().readTree(bytes));
        } catch (JsonProcessingException e) {
            findings.add(new LintFinding("OCI-JSON-INVALID", Severity.ERROR, null, d.digest(), "$",
                    "not valid JSON: " + Text.oneLine(e.getOriginalMessage()), "write the document again with a JSON encoder"));
            return new Document(d, name, null);
        }
    }

    private void registryRules(Document doc) {
        List<Facts.Observation> facts = Facts.of(doc.json(), doc.kind(), doc.descriptor().size());
        for (RegistryProfile p : profiles) {
            for (RegistryProfile.Rule r : p.rules()) {
                facts.stream().filter(o -> o.fact() == r.when()).findFirst().ifPresent(o -> findings.add(new LintFinding(
                        r.code(), r.severity(), p.name(), doc.descriptor().digest(), o.path(),
                        p.title() + " " + r.summary() + ": " + r.error(), r.fix())));
            }
        }
    }

    private void config(Descriptor config) throws IOException {
        if (!MediaType.OCI_CONFIG.equals(config.mediaType()) && !MediaType.DOCKER_CONFIG.equals(config.mediaType())
                || config.size() > maxManifestBytes) {
            return;
        }
        try {
            byte[] bytes = source.config(config);
            if (bytes == null) {
                return;
            }
            findings.addAll(ConfigChecks.check(ModelJson.mapper().readTree(bytes), config.digest()));
        } catch (JsonProcessingException e) {
            findings.add(new LintFinding("OCI-JSON-INVALID", Severity.ERROR, null, config.digest(), "$",
                    "the image config is not valid JSON: " + Text.oneLine(e.getOriginalMessage()), "write the config again"));
        } catch (dev.ocilayout.error.LayoutException e) {
            // corrupt content is fsck's to report
        }
    }

    private void problem(Graph.Problem p) {
        Digest parent = p.path().size() > 1 ? p.path().get(p.path().size() - 2) : null;
        switch (p.code()) {
            case MISSING_BLOB -> findings.add(new LintFinding("OCI-BLOB-MISSING", Severity.WARNING, null, parent, "$",
                    p.message(), "copy the blob into the layout (a push would fail with \"blob unknown\")"));
            case SIZE_MISMATCH, DIGEST_MISMATCH, NOT_A_REGULAR_FILE -> findings.add(new LintFinding("OCI-BLOB-CORRUPT",
                    Severity.ERROR, null, p.digest(), "$", p.message(), "run oci-layout fsck, then copy the blob again"));
            case CYCLE -> findings.add(new LintFinding("OCI-INDEX-CYCLE", Severity.ERROR, null, p.digest(), "$",
                    p.message(), "break the cycle"));
            default -> { } // unparsable and oversized documents are reported from their bytes
        }
    }

    /** Tags of roots, else the platform or artifact type under which a parent lists the document. */
    private static Map<Digest, String> names(Graph graph, List<Descriptor> roots) {
        Map<Digest, String> names = new LinkedHashMap<>();
        for (Descriptor r : roots) {
            if (r.refName() != null) {
                names.merge(r.digest(), r.refName(), (a, b) -> a + ", " + b);
            }
        }
        for (Graph.Node n : graph.nodes().values()) {
            for (Descriptor c : n.children()) {
                String name = c.platform() != null ? c.platform().toString() : c.artifactType();
                if (name != null) {
                    names.putIfAbsent(c.digest(), name);
                }
            }
        }
        return names;
    }
}
