package dev.ocilayout.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RefName;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code docker save} format: {@code manifest.json} lists, per image, its config file, its layer files
 * (in older archives {@code <id>/layer.tar}, possibly a symbolic link to another layer, in skopeo's
 * {@code <diffID>.tar}, in Docker 25+ {@code blobs/sha256/<hex>}) and its {@code RepoTags}.
 */
final class DockerArchive {
    /** Annotation Docker 25+ and containerd put on index entries: the full image name. */
    static final String IMAGE_NAME = "io.containerd.image.name";
    static final String MANIFEST_JSON_NAME = "manifest.json";
    static final String REPOSITORIES_NAME = "repositories";

    private DockerArchive() {
    }

    /** The fields of a {@code manifest.json} image that docker's Go parser reads (moby's image/tarexport). */
    private static final List<String> IMAGE_FIELDS = List.of("Config", "RepoTags", "Layers", "Parent", "LayerSources");

    /**
     * Go's encoding/json matches field names case-insensitively, and the last of {@code Config} and
     * {@code config} wins there, so a name that differs from a known field only in case would make docker and
     * this tool read different images: refused, as for OCI documents (spec-notes/json.md).
     */
    private static void requireExactFieldNames(JsonNode image, String at) throws InvalidContentException {
        var names = image.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            for (String field : IMAGE_FIELDS) {
                if (!field.equals(name) && field.equalsIgnoreCase(name)) {
                    throw new InvalidContentException(at + ": field " + Text.quote(name) + " differs from " + field
                            + " only in case (docker's parser would read it as " + field + ")");
                }
            }
        }
    }

    /** A layer file of the archive: its digest and size as stored, and its compression, from its first bytes. */
    record Layer(Descriptor blob, Compression compression) {
    }

    /**
     * The files an image of {@code manifest.json} is made from, and where the documents made for it go: the
     * archive as imported into a layout, or as read in place.
     */
    interface Files {
        /** What to call the archive in messages. */
        String source();

        byte[] manifestJson();

        /** The config file's bytes. */
        byte[] config(String name, String at) throws IOException;

        /** The layer a name gives (following docker-archive layer links), or null when there is none. */
        Layer layer(String name) throws IOException;

        /** Keeps a document made for the archive (a config read from a file, an image manifest). */
        Descriptor store(byte[] bytes, String mediaType) throws IOException;
    }

    /** The archive's files as an import stored them in the layout. */
    static Files imported(Layout layout, ArchiveReader.Contents contents) {
        return new Files() {
            @Override
            public String source() {
                return contents.source;
            }

            @Override
            public byte[] manifestJson() {
                return contents.small.get(ArchiveReader.MANIFEST_JSON);
            }

            @Override
            public byte[] config(String name, String at) throws IOException {
                return configBytes(layout, contents, name, at);
            }

            @Override
            public Layer layer(String name) throws IOException {
                ArchiveReader.Stored s = contents.resolve(name);
                return s == null ? null : new Layer(s.blob(), s.compression() != null ? s.compression()
                        : sniff(layout, s.blob()));
            }

            @Override
            public Descriptor store(byte[] bytes, String mediaType) throws IOException {
                Descriptor d = Descriptor.of(mediaType, dev.ocilayout.digest.Digest.sha256(bytes), bytes.length);
                if (layout.blobs().touchIfIntact(d.digest(), d.size())) {
                    contents.present++;
                    return d;
                }
                contents.written++; // a manifest made here, or a config the archive held: counted as stored
                contents.bytesWritten += bytes.length;
                return layout.blobs().put(bytes, mediaType);
            }
        };
    }

    /**
     * Makes an OCI image manifest for every image of {@code manifest.json}, stores it (and configs held in
     * memory), and returns the index entries: one per RepoTag, tagged with the tag part, annotated with the
     * full name, or one untagged entry for an image without tags. The same archive gives the same manifests,
     * byte for byte, whether it is imported or read in place.
     */
    static ImageIndex toIndex(Files files) throws IOException {
        String where = files.source() + ": manifest.json";
        JsonNode root = ModelJson.readTree(files.manifestJson(), where);
        if (!root.isArray() || root.isEmpty()) {
            throw new InvalidContentException(where + " is not a non-empty JSON array");
        }
        record Named(Descriptor manifest, String full) {
        }
        List<Named> named = new ArrayList<>(); // in manifest.json's order; full null: an image without RepoTags
        for (int i = 0; i < root.size(); i++) {
            JsonNode image = root.get(i);
            String at = where + " [" + i + "]";
            if (image.isObject()) {
                requireExactFieldNames(image, at);
            }
            if (!image.isObject() || !image.path("Config").isTextual() || !image.path("Layers").isArray()) {
                throw new InvalidContentException(at + " has no Config string and Layers array");
            }
            byte[] configBytes = files.config(image.get("Config").textValue(), at);
            Descriptor config = files.store(configBytes, MediaType.OCI_CONFIG);
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : image.get("Layers")) {
                if (!l.isTextual()) {
                    throw new InvalidContentException(at + ": Layers holds a non-string");
                }
                Layer s = files.layer(l.textValue());
                if (s == null) {
                    throw new NotFoundException(at + " names layer " + Text.quote(l.textValue())
                            + ", which is not in the archive");
                }
                layers.add(Descriptor.of(MediaType.OCI_LAYER + s.compression().layerSuffix(), s.blob().digest(),
                        s.blob().size()));
            }
            ImageManifest m = new ImageManifest(2, MediaType.OCI_MANIFEST, null, config, layers, null, null, null);
            Descriptor manifest = files.store(ModelJson.toBytes(m), MediaType.OCI_MANIFEST);
            Platform platform = platform(configBytes);
            if (platform != null) {
                manifest = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size(), null, null, null,
                        platform, null, null);
            }
            JsonNode tags = image.path("RepoTags");
            if (!tags.isArray() || tags.isEmpty()) {
                named.add(new Named(manifest, null));
                continue;
            }
            for (JsonNode t : tags) {
                String full = normalize(t.asText());
                if (!RefName.isValid(tagOf(full))) {
                    throw new InvalidContentException(at + ": RepoTag " + Text.quote(t.asText()) + " has no valid tag");
                }
                named.add(new Named(manifest, full));
            }
        }
        // each image is named by its tag, as skopeo and umoci write and read layouts; where two images would share
        // a tag (docker save a:latest b:latest), every image by its full name instead, as podman and containerd
        // write them, so that both stay (spec-notes/repositories.md)
        Map<String, Digest> byTag = new java.util.HashMap<>();
        boolean fullNames = false;
        for (Named n : named) {
            if (n.full() != null) {
                Digest before = byTag.putIfAbsent(tagOf(n.full()), n.manifest().digest());
                fullNames |= before != null && !before.equals(n.manifest().digest());
            }
        }
        List<Descriptor> entries = new ArrayList<>();
        Map<String, Descriptor> byName = new LinkedHashMap<>();
        for (Named n : named) {
            if (n.full() == null) {
                entries.add(n.manifest());
                continue;
            }
            String name = fullNames ? n.full() : tagOf(n.full());
            if (!RefName.isValid(name)) {
                throw new InvalidContentException(where + ": image name " + Text.quote(n.full())
                        + " is no valid org.opencontainers.image.ref.name");
            }
            Descriptor before = byName.get(name);
            if (before != null && !before.digest().equals(n.manifest().digest())) {
                throw new InvalidContentException(files.source() + " names two images " + n.full() + " ("
                        + before.digest() + " and " + n.manifest().digest() + ")");
            }
            Descriptor entry = n.manifest().withAnnotation(IMAGE_NAME, n.full()).withAnnotation(Annotations.REF_NAME, name);
            byName.put(name, entry);
            entries.add(entry);
        }
        return ImageIndex.empty().withManifests(entries);
    }


    /**
     * Where an archive carries both {@code index.json} and {@code manifest.json} (Docker 25+), the two must
     * describe the same images. Docker 25.0.0's release candidates wrote OCI manifests with no layers
     * (moby#47065) or with wrong layer sizes (moby#47072) beside a correct {@code manifest.json}; importing
     * {@code index.json} alone would give an image without its file system. Compares, for every OCI image
     * manifest whose config a {@code manifest.json} image shares, the layers (digest and size) of both.
     *
     * @return the first disagreement as a sentence (a manifest.json that cannot be read is one: docker would
     *         read it), or null when they agree
     */
    static String disagreement(Layout layout, ArchiveReader.Contents contents, ImageIndex index) throws IOException {
        JsonNode root;
        try {
            root = ModelJson.readTree(contents.small.get(ArchiveReader.MANIFEST_JSON), "manifest.json");
            if (!root.isArray()) {
                return "manifest.json is not a JSON array";
            }
            for (int i = 0; i < root.size(); i++) {
                if (root.get(i).isObject()) {
                    requireExactFieldNames(root.get(i), "manifest.json [" + i + "]");
                }
            }
        } catch (InvalidContentException e) {
            return e.getMessage();
        }
        Map<dev.ocilayout.digest.Digest, List<Descriptor>> dockerLayers = new LinkedHashMap<>();
        for (JsonNode image : root) {
            ArchiveReader.Stored config = contents.resolve(image.path("Config").asText(""));
            if (config == null || !image.path("Layers").isArray()) {
                continue;
            }
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : image.get("Layers")) {
                ArchiveReader.Stored s = contents.resolve(l.asText(""));
                layers.add(s == null ? null : s.blob());
            }
            dockerLayers.put(config.blob().digest(), layers);
        }
        dev.ocilayout.graph.Graph graph = dev.ocilayout.graph.GraphWalker.walk(layout, index.manifests());
        for (dev.ocilayout.graph.Graph.Node n : graph.nodes().values()) {
            if (!(n.manifest() instanceof ImageManifest m) || m.config() == null) {
                continue;
            }
            List<Descriptor> docker = dockerLayers.get(m.config().digest());
            if (docker == null || sameLayers(m.layers(), docker)) {
                continue;
            }
            return "index.json and manifest.json disagree about image " + n.digest() + ": its OCI manifest lists "
                    + m.layers().size() + " layer" + (m.layers().size() == 1 ? "" : "s") + describe(m.layers())
                    + ", manifest.json " + docker.size() + describe(docker)
                    + " (Docker 25.0.0 release candidates wrote such archives: moby#47065, moby#47072)";
        }
        return null;
    }

    private static boolean sameLayers(List<Descriptor> oci, List<Descriptor> docker) {
        if (oci.size() != docker.size()) {
            return false;
        }
        for (int i = 0; i < oci.size(); i++) {
            Descriptor d = docker.get(i);
            if (d == null || !d.digest().equals(oci.get(i).digest()) || d.size() != oci.get(i).size()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<Descriptor> layers) {
        if (layers.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (Descriptor d : layers) {
            parts.add(d == null ? "missing" : d.digest().algorithm() + ":" + d.digest().shortForm() + " " + d.size() + " B");
        }
        return " (" + String.join(", ", parts) + ")";
    }

    private static byte[] configBytes(Layout layout, ArchiveReader.Contents contents, String name, String at)
            throws IOException {
        byte[] small = contents.small.get(name);
        if (small != null) {
            return small;
        }
        ArchiveReader.Stored s = contents.resolve(name);
        if (s == null) {
            throw new NotFoundException(at + " names config " + Text.quote(name) + ", which is not in the archive");
        }
        return layout.blobs().read(s.blob(), layout.options().maxManifestBytes());
    }

    /** A layer stored under blobs/ (Docker 25+): its compression from its first bytes. */
    private static Compression sniff(Layout layout, Descriptor blob) throws IOException {
        try (var in = Compression.markable(layout.blobs().open(blob.digest()))) {
            return Compression.detect(in, "layer " + blob.digest());
        }
    }

    private static Platform platform(byte[] config) {
        try {
            JsonNode c = ModelJson.mapper().readTree(config);
            String os = c.path("os").asText(null);
            String arch = c.path("architecture").asText(null);
            if (os == null || arch == null || os.isEmpty() || arch.isEmpty()) {
                return null;
            }
            String variant = c.path("variant").asText(null);
            return new Platform(arch, os, null, null, variant == null || variant.isEmpty() ? null : variant, null, null);
        } catch (IOException e) {
            return null; // the config is stored as it is; a platform is only a convenience
        }
    }

    /** {@code busybox:latest} becomes {@code docker.io/library/busybox:latest}, as Docker names it. */
    static String normalize(String repoTag) {
        int slash = repoTag.indexOf('/');
        String first = slash < 0 ? "" : repoTag.substring(0, slash);
        boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (hasRegistry) {
            return repoTag;
        }
        return slash < 0 ? "docker.io/library/" + repoTag : "docker.io/" + repoTag;
    }

    /** The tag of a full name: what follows the last ':' after the last '/', else {@code latest}. */
    static String tagOf(String name) {
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest";
    }
}
