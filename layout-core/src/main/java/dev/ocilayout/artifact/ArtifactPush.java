package dev.ocilayout.artifact;

import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.store.Tags;
import dev.ocilayout.text.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Pushes files as an OCI artifact, following the image-spec's artifact guidance (manifest.md,
 * "Guidelines for Artifact Usage"): a manifest with {@code artifactType}; the empty config
 * {@code application/vnd.oci.empty.v1+json} ({@code {}}) when no config is given; one layer per file,
 * titled with {@code org.opencontainers.image.title}; the empty descriptor as the only layer when there
 * are no files; {@code org.opencontainers.image.created} unless given.
 *
 * <pre>{@code
 * ArtifactPush.Result r = ArtifactPush.builder()
 *         .artifactType("application/vnd.example.sbom.v1")
 *         .file(Path.of("sbom.json"), "application/spdx+json")
 *         .build()
 *         .push(layout, "v1", null);
 * }</pre>
 */
public final class ArtifactPush {
    /** The {@code {}} blob of the empty descriptor. */
    public static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    /** Default media type of a config file given without one (as oras uses). */
    public static final String UNKNOWN_CONFIG = "application/vnd.unknown.config.v1+json";

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    private final String artifactType;
    private final FileSpec config;
    private final List<FileSpec> files;
    private final Map<String, String> annotations;
    private final Descriptor subject;
    private final Instant created;

    /** A file to push, with its media type and the title it gets. */
    public record FileSpec(Path path, String mediaType, String title) {
        public FileSpec {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(mediaType, "mediaType");
        }
    }

    /**
     * What a push wrote.
     *
     * @param manifest the manifest as recorded in {@code index.json} (with its artifactType)
     * @param raw      the manifest's exact bytes as stored
     */
    public record Result(Descriptor manifest, Descriptor config, List<Descriptor> layers, RawManifest raw) {
        /** Every blob the manifest needs, and the manifest. */
        public List<Descriptor> closure() {
            List<Descriptor> all = new ArrayList<>(layers);
            all.add(config);
            all.add(manifest);
            return all;
        }

        /** The parsed manifest. */
        public ImageManifest parsed() throws InvalidContentException {
            return (ImageManifest) raw.manifest();
        }
    }

    /**
     * This artifact with {@code subject} as its manifest's subject.
     *
     * @throws IllegalArgumentException when it was built with another subject
     */
    public ArtifactPush withSubjectOf(Descriptor subject) {
        Descriptor plain = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        if (this.subject != null && !this.subject.equals(plain)) {
            throw new IllegalArgumentException("the artifact's subject is " + this.subject.digest() + ", not "
                    + subject.digest());
        }
        return this.subject != null ? this : withSubject(plain);
    }

    private ArtifactPush withSubject(Descriptor s) {
        Builder b = new Builder();
        b.artifactType = artifactType;
        b.config = config;
        b.files.addAll(files);
        b.annotations.putAll(annotations);
        b.created = created;
        b.subject = s;
        return new ArtifactPush(b);
    }

    private ArtifactPush(Builder b) {
        this.artifactType = b.artifactType;
        this.config = b.config;
        this.files = List.copyOf(b.files);
        this.annotations = new LinkedHashMap<>(b.annotations);
        this.subject = b.subject;
        this.created = b.created;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Stores the blobs and the manifest, then records it in {@code index.json}: tagged with {@code tag},
     * or as an untagged entry when {@code tag} is null. Every input is checked before anything is written.
     *
     * @param progress receives the number of bytes read from files as they go; may be null
     */
    public Result push(Layout layout, String tag, LongConsumer progress) throws IOException {
        if (tag != null) {
            RefName.validate(tag);
        }
        Result r = store(layout, progress);
        layout.index().update(index -> {
            layout.blobs().requirePresent(r.closure());
            return tag == null ? Tags.addUntagged(index, r.manifest()) : Tags.tag(index, tag, r.manifest());
        });
        return r;
    }

    /**
     * Stores the blobs and the manifest, whose {@code subject} is {@code subject}, then records it as a
     * referrer of it the way {@code strategy} records them; returns its descriptor. Every input is checked
     * before anything is written.
     *
     * @param progress receives the number of bytes read from files as they go; may be null
     * @throws IllegalArgumentException when the builder was given another subject
     */
    public Descriptor attach(Layout layout, Descriptor subject, ReferrerStrategy strategy, LongConsumer progress)
            throws IOException {
        Result r = withSubjectOf(subject).store(layout, progress);
        Descriptor response = ReferrerIndex.responseDescriptor(r.manifest(), r.parsed());
        layout.index().update(index -> {
            layout.blobs().requirePresent(r.closure());
            return strategy.add(layout, index, subject.digest(), response);
        });
        return r.manifest();
    }

    /**
     * Stores the blobs and the manifest without recording anything in {@code index.json} (attach records
     * the result as a referrer instead). Every input is checked before anything is written.
     */
    public Result store(Layout layout, LongConsumer progress) throws IOException {
        validate();
        Descriptor configDesc;
        if (config == null) {
            configDesc = layout.blobs().put(EMPTY_JSON, MediaType.OCI_EMPTY).withData(EMPTY_JSON);
        } else {
            configDesc = putFile(layout, config, progress);
        }
        List<Descriptor> layers = new ArrayList<>();
        for (FileSpec f : files) {
            Descriptor d = putFile(layout, f, progress);
            layers.add(d.withAnnotation(Annotations.TITLE, f.title()));
        }
        if (layers.isEmpty()) {
            layers.add(layout.blobs().put(EMPTY_JSON, MediaType.OCI_EMPTY).withData(EMPTY_JSON));
        }
        Map<String, String> ann = new LinkedHashMap<>(annotations);
        ann.putIfAbsent(Annotations.CREATED, rfc3339(created != null ? created : defaultCreated()));
        String type = artifactType;
        if (type == null && config == null) {
            type = MediaType.UNKNOWN_ARTIFACT;
        }
        ImageManifest manifest = new ImageManifest(2, MediaType.OCI_MANIFEST, type, configDesc, layers, subject,
                ann, null);
        RawManifest raw = RawManifest.made(MediaType.OCI_MANIFEST, ModelJson.toBytes(manifest));
        Descriptor stored = layout.blobs().put(raw.bytes(), MediaType.OCI_MANIFEST);
        Descriptor entry = type == null ? stored : stored.withArtifactType(type);
        return new Result(entry, configDesc, List.copyOf(layers), raw);
    }

    private void validate() throws IOException {
        if (artifactType != null) {
            checkMediaType("artifact type", artifactType);
        }
        Set<String> titles = new HashSet<>();
        List<FileSpec> all = new ArrayList<>(files);
        if (config != null) {
            all.add(config);
        }
        for (FileSpec f : all) {
            checkMediaType("media type of " + f.path(), f.mediaType());
            if (!Files.isRegularFile(f.path())) {
                throw new NotFoundException("file " + f.path() + " not found or not a regular file");
            }
        }
        for (FileSpec f : files) {
            ArtifactPull.checkTitle(f.title());
            if (!titles.add(f.title())) {
                throw new IllegalArgumentException("two files have the title " + Text.quote(f.title())
                        + "; titles must be unique in an artifact");
            }
        }
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw new IllegalArgumentException("annotation keys must not be empty");
            }
        }
        if (annotations.containsKey(Annotations.CREATED)) {
            checkRfc3339(annotations.get(Annotations.CREATED));
        }
    }

    private static Descriptor putFile(Layout layout, FileSpec f, LongConsumer progress) throws IOException {
        try (InputStream in = Files.newInputStream(f.path())) {
            return layout.blobs().put(in, f.mediaType(), progress);
        }
    }

    static void checkMediaType(String what, String value) {
        if (value == null || !MEDIA_TYPE.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " " + Text.quote(value)
                    + ": expected type/subtype, e.g. application/vnd.example.sbom.v1+json");
        }
    }

    private static void checkRfc3339(String value) {
        try {
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("annotation " + Annotations.CREATED + " must be an RFC 3339 time,"
                    + " e.g. 2024-01-31T12:00:00Z, got " + Text.quote(value));
        }
    }

    /** SOURCE_DATE_EPOCH (reproducible builds) when set, else now. */
    private static Instant defaultCreated() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && epoch.matches("[0-9]{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(epoch));
        }
        return Instant.now();
    }

    static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    /** Builds an {@link ArtifactPush}. */
    public static final class Builder {
        private String artifactType;
        private FileSpec config;
        private final List<FileSpec> files = new ArrayList<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private Descriptor subject;
        private Instant created;

        private Builder() {
        }

        public Builder artifactType(String type) {
            this.artifactType = type;
            return this;
        }

        /** A config blob; without one the empty descriptor is used. */
        public Builder config(Path path, String mediaType) {
            this.config = new FileSpec(path, mediaType == null ? UNKNOWN_CONFIG : mediaType, null);
            return this;
        }

        /** A file, titled with its file name. */
        public Builder file(Path path, String mediaType) {
            Path name = path.getFileName();
            return file(path, mediaType, name == null ? path.toString() : name.toString());
        }

        public Builder file(Path path, String mediaType, String title) {
            files.add(new FileSpec(path, mediaType == null ? MediaType.OCTET_STREAM : mediaType, title));
            return this;
        }

        public Builder annotation(String key, String value) {
            annotations.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder subject(Descriptor s) {
            this.subject = s == null ? null : Descriptor.of(s.mediaType(), s.digest(), s.size());
            return this;
        }

        public Builder created(Instant t) {
            this.created = t;
            return this;
        }

        public ArtifactPush build() {
            return new ArtifactPush(this);
        }
    }
}
