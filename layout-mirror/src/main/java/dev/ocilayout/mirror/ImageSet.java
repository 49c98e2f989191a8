package dev.ocilayout.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Platform;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A declared set of images to carry (spec-notes/image-sets.md): registries, and in each the repositories with
 * what to take of them. Read from YAML or JSON in one of two forms:
 * <ul>
 *   <li>{@code skopeo sync}'s own YAML, as is: a map from registry host to {@code images} (repository →
 *       tags or digests; an empty list for all tags), {@code images-by-tag-regex}, {@code images-by-semver},
 *       {@code credentials}, {@code tls-verify}, {@code cert-dir};</li>
 *   <li>ours, {@code kind: ImageSet}: the same registry blocks under {@code registries}, plus {@code platforms}
 *       (index entries to keep), {@code referrers} ({@code true}, {@code false}, or a list of artifact types)
 *       and, per registry, {@code plain-http};</li>
 *   <li>oc-mirror v2's {@code kind: ImageSetConfiguration}, its plain images ({@link OcMirror}).</li>
 * </ul>
 */
public record ImageSet(List<Registry> registries, List<Local> locals, List<Platform> platforms, boolean referrers,
                       List<String> referrerTypes) {
    public ImageSet {
        registries = List.copyOf(registries);
        locals = List.copyOf(locals);
        platforms = List.copyOf(platforms);
        referrerTypes = List.copyOf(referrerTypes);
    }

    public ImageSet(List<Registry> registries, List<Platform> platforms, boolean referrers, List<String> referrerTypes) {
        this(registries, List.of(), platforms, referrers, referrerTypes);
    }

    /**
     * A layout or an archive as a source (ours only: {@code layouts:}): {@code location} in the reference
     * grammar ({@code ./dir}, {@code oci:DIR}, {@code oci-archive:FILE}, {@code docker-archive:FILE}); the
     * names to take ({@code images}, empty for all); and the repository plain tags go to, since a store names
     * every image by its full name (full names, {@code localhost/app:2}, keep theirs).
     */
    public record Local(Address location, List<String> images, String repository) {
        public Local {
            images = List.copyOf(images);
        }
    }

    /** One registry's block, skopeo's keys. */
    public record Registry(String host, Map<String, List<String>> images, Map<String, Pattern> tagRegex,
                           Map<String, Semver.Constraint> semver, String username, String password, Boolean tlsVerify,
                           boolean plainHttp, java.nio.file.Path certDir) {
        /** Every repository the block names, in the order first named. */
        public List<String> repositories() {
            List<String> all = new ArrayList<>(images.keySet());
            tagRegex.keySet().stream().filter(r -> !all.contains(r)).forEach(all::add);
            semver.keySet().stream().filter(r -> !all.contains(r)).forEach(all::add);
            return all;
        }

        /**
         * What to take of {@code repository} given its tags: listed tags and digests (an empty list: every tag),
         * tags matching the regex (whole-tag, as Go's MatchString finds it anywhere: skopeo's semantics), and
         * tags whose semver satisfies the constraint. Each once, listed ones first.
         */
        public List<String> select(String repository, List<String> tags) {
            List<String> out = new ArrayList<>();
            List<String> listed = images.get(repository);
            if (listed != null) {
                if (listed.isEmpty()) {
                    out.addAll(tags);
                } else {
                    listed.forEach(t -> add(out, t));
                }
            }
            Pattern regex = tagRegex.get(repository);
            if (regex != null) {
                tags.stream().filter(t -> regex.matcher(t).find()).forEach(t -> add(out, t));
            }
            Semver.Constraint c = semver.get(repository);
            if (c != null) {
                for (String t : tags) {
                    Semver v = Semver.parse(t);
                    if (v != null && c.test(v)) {
                        add(out, t);
                    }
                }
            }
            return out;
        }

        /** Whether every tag must be listed to know what to take (else only listed tags and digests). */
        public boolean needsTagList(String repository) {
            List<String> listed = images.get(repository);
            return listed != null && listed.isEmpty() || tagRegex.containsKey(repository) || semver.containsKey(repository);
        }

        private static void add(List<String> out, String t) {
            if (!out.contains(t)) {
                out.add(t);
            }
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Parses an image-set file (YAML, or JSON, which is YAML too). */
    public static ImageSet parse(byte[] bytes, String source) throws InvalidContentException {
        JsonNode root;
        try {
            root = YAML.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidContentException(source + " is not YAML or JSON: " + oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidContentException(source + " is not a map of registries (skopeo sync's form) or an ImageSet");
        }
        if ("ImageSetConfiguration".equals(root.path("kind").asText())) {
            return OcMirror.parse(root, source);
        }
        boolean ours = root.has("kind");
        if (ours && !"ImageSet".equals(root.get("kind").asText())) {
            throw new InvalidContentException(source + ": kind " + root.get("kind") + " is neither ImageSet nor"
                    + " oc-mirror's ImageSetConfiguration");
        }
        JsonNode blocks = ours ? root.path("registries") : root;
        List<Local> locals = ours ? locals(root.path("layouts"), source) : List.of();
        if ((!blocks.isObject() || blocks.isEmpty()) && locals.isEmpty()) {
            throw new InvalidContentException(source + ": no registries" + (ours ? " (registries: {HOST: {images: ...}})"
                    + " and no layouts" : ""));
        }
        List<Registry> registries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = blocks.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            registries.add(registry(e.getKey(), e.getValue(), source));
        }
        List<Platform> platforms = new ArrayList<>();
        boolean referrers = false;
        List<String> types = new ArrayList<>();
        if (ours) {
            for (JsonNode p : root.path("platforms")) {
                try {
                    platforms.add(Platform.parse(p.asText()));
                } catch (IllegalArgumentException ex) {
                    throw new InvalidContentException(source + ": platforms: " + ex.getMessage());
                }
            }
            JsonNode r = root.path("referrers");
            if (r.isBoolean()) {
                referrers = r.booleanValue();
            } else if (r.isArray()) {
                referrers = true;
                r.forEach(t -> types.add(t.asText()));
            } else if (!r.isMissingNode() && !r.isNull()) {
                throw new InvalidContentException(source + ": referrers is true, false or a list of artifact types");
            }
        }
        return new ImageSet(registries, locals, platforms, referrers, types);
    }

    private static List<Local> locals(JsonNode list, String source) throws InvalidContentException {
        List<Local> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new InvalidContentException(source + ": layouts is a list of {location, images, repository}");
        }
        for (JsonNode l : list) {
            String at = source + ": layouts[" + out.size() + "]";
            String location = l.path("location").asText("");
            Address a;
            try {
                a = Address.parse(location);
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(at + ": location: " + e.getMessage());
            }
            if (a.kind() == Address.Kind.REGISTRY || !a.isLocationOnly()) {
                throw new InvalidContentException(at + ": location " + Text.quote(location) + " is not a layout or an"
                        + " archive alone (DIR, oci:DIR, oci-archive:FILE, docker-archive:FILE); registries go under registries");
            }
            List<String> images = new ArrayList<>();
            l.path("images").forEach(i -> images.add(i.asText()));
            String repository = text(l.get("repository"));
            if (repository != null && (repository.indexOf('/') < 0 || !Address.isRepositoryName(repository.substring(
                    repository.indexOf('/') + 1)))) {
                throw new InvalidContentException(at + ": repository " + Text.quote(repository) + " is not a full"
                        + " repository name (registry.example.com/team/app)");
            }
            out.add(new Local(a, images, repository));
        }
        return out;
    }

    private static Registry registry(String host, JsonNode block, String source) throws InvalidContentException {
        String at = source + ": " + host;
        if (!Address.looksLikeRegistry(host + "/x")) {
            throw new InvalidContentException(at + " is not a registry host (registry.example.com, localhost:5000)");
        }
        if (!block.isObject()) {
            throw new InvalidContentException(at + " is not a map (images, images-by-tag-regex, images-by-semver, ...)");
        }
        Map<String, List<String>> images = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = block.path("images").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String repo = repository(e.getKey(), at);
            List<String> refs = new ArrayList<>();
            if (e.getValue().isArray()) {
                for (JsonNode t : e.getValue()) {
                    String ref = t.asText();
                    if (ref.indexOf(':') >= 0 && Digest.tryParse(ref) == null) {
                        throw new InvalidContentException(at + ": images." + repo + ": " + ref + " is neither a tag nor a digest");
                    }
                    refs.add(ref);
                }
            } else if (!e.getValue().isNull()) {
                throw new InvalidContentException(at + ": images." + repo + " is a list of tags or digests ([] for all tags)");
            }
            images.put(repo, refs);
        }
        Map<String, Pattern> regex = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = block.path("images-by-tag-regex").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                regex.put(repository(e.getKey(), at), Pattern.compile(e.getValue().asText()));
            } catch (PatternSyntaxException ex) {
                throw new InvalidContentException(at + ": images-by-tag-regex." + e.getKey() + ": '" + e.getValue().asText()
                        + "' is not a regular expression: " + ex.getDescription());
            }
        }
        Map<String, Semver.Constraint> semver = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = block.path("images-by-semver").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                semver.put(repository(e.getKey(), at), Semver.Constraint.parse(e.getValue().asText()));
            } catch (IllegalArgumentException ex) {
                throw new InvalidContentException(at + ": images-by-semver." + e.getKey() + ": " + ex.getMessage());
            }
        }
        JsonNode credentials = block.path("credentials");
        JsonNode tls = block.get("tls-verify");
        Registry r = new Registry(host, images, regex, semver, text(credentials.get("username")),
                text(credentials.get("password")), tls == null || tls.isNull() ? null : tls.asBoolean(),
                block.path("plain-http").asBoolean(false), certDir(block.get("cert-dir"), at));
        if (r.repositories().isEmpty()) {
            throw new InvalidContentException(at + " names no images (images, images-by-tag-regex or images-by-semver)");
        }
        return r;
    }

    private static String repository(String name, String at) throws InvalidContentException {
        if (!Address.isRepositoryName(name)) {
            throw new InvalidContentException(at + ": '" + name + "' is not a repository name (lowercase, a/b/c)");
        }
        return name;
    }

    /** skopeo's {@code cert-dir}: a folder path, read when the registry is first asked. */
    private static java.nio.file.Path certDir(JsonNode n, String at) throws InvalidContentException {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return java.nio.file.Path.of(n.asText());
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidContentException(at + ": cert-dir '" + n.asText() + "' is not a path");
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }
}
