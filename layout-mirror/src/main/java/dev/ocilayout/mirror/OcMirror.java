package dev.ocilayout.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * oc-mirror v2's {@code ImageSetConfiguration} ({@code apiVersion: mirror.openshift.io/v2alpha1}; v1's
 * {@code v1alpha2} has the same keys), as far as it names plain images: {@code mirror.additionalImages[].name}
 * (a full reference with a registry, by tag or by digest; {@code platforms} on an image, when all agree),
 * minus what {@code mirror.blockedImages[].name} (regular expressions) matches. OpenShift releases, operator
 * catalogs and Helm charts ({@code platform}, {@code operators}, {@code helm}) need OpenShift's graphs and are
 * refused by name, as are {@code targetRepo} and {@code targetTag}; {@code archiveSize} is for {@code mirror
 * export --max-archive-size} to say. See spec-notes/image-sets.md.
 */
final class OcMirror {
    private OcMirror() {
    }

    static ImageSet parse(JsonNode root, String source) throws InvalidContentException {
        String api = root.path("apiVersion").asText();
        if (!api.equals("mirror.openshift.io/v2alpha1") && !api.equals("mirror.openshift.io/v1alpha2")) {
            throw new InvalidContentException(source + ": apiVersion '" + api + "' of an ImageSetConfiguration is not"
                    + " mirror.openshift.io/v2alpha1 (or v1alpha2)");
        }
        JsonNode mirror = root.path("mirror");
        for (String key : List.of("platform", "operators", "helm")) {
            if (mirror.has(key) && !mirror.get(key).isNull()) {
                throw new InvalidContentException(source + ": mirror." + key + " needs OpenShift's release and catalog"
                        + " graphs, which oci-layout does not resolve: list the images under mirror.additionalImages");
            }
        }
        List<Pattern> blocked = new ArrayList<>();
        for (JsonNode b : mirror.path("blockedImages")) {
            try {
                blocked.add(Pattern.compile(b.path("name").asText()));
            } catch (PatternSyntaxException e) {
                throw new InvalidContentException(source + ": mirror.blockedImages: '" + b.path("name").asText()
                        + "' is not a regular expression: " + e.getDescription());
            }
        }
        Map<String, Map<String, List<String>>> byHost = new LinkedHashMap<>();
        List<String> platforms = null;
        int i = 0;
        for (JsonNode image : mirror.path("additionalImages")) {
            String at = source + ": mirror.additionalImages[" + i++ + "]";
            for (String key : List.of("targetRepo", "targetTag")) {
                if (image.has(key)) {
                    throw new InvalidContentException(at + ": " + key + " is not supported (mirror push maps names by"
                            + " prefix)");
                }
            }
            String name = image.path("name").asText();
            if (blocked.stream().anyMatch(p -> p.matcher(name).find())) {
                continue;
            }
            List<String> own = new ArrayList<>();
            image.path("platforms").forEach(p -> own.add(p.asText()));
            if (platforms != null && !platforms.equals(own)) {
                throw new InvalidContentException(at + ": platforms " + own + " differ from the other images' "
                        + platforms + "; one set of platforms holds for every image here");
            }
            platforms = own;
            String[] split = split(name, at);
            byHost.computeIfAbsent(split[0], h -> new LinkedHashMap<>())
                    .computeIfAbsent(split[1], r -> new ArrayList<>()).add(split[2]);
        }
        if (byHost.isEmpty()) {
            throw new InvalidContentException(source + ": mirror.additionalImages names no image (that is not blocked)");
        }
        List<ImageSet.Registry> registries = new ArrayList<>();
        // the file says nothing of TLS (oc-mirror's flags do): loopback registries may speak plain HTTP, as
        // docker's default insecure registries (127.0.0.0/8) may; every other one is verified
        byHost.forEach((host, images) -> registries.add(new ImageSet.Registry(host, images, Map.of(), Map.of(), null,
                null, loopback(host) ? Boolean.FALSE : null, false, null)));
        List<Platform> parsed = new ArrayList<>();
        for (String p : platforms == null ? List.<String>of() : platforms) {
            try {
                parsed.add(Platform.parse(p));
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(source + ": platforms: " + e.getMessage());
            }
        }
        return new ImageSet(registries, parsed, false, List.of());
    }

    private static boolean loopback(String host) {
        String name = host.startsWith("[") ? host.substring(1, host.indexOf(']')) : host.replaceAll(":\\d+$", "");
        return name.equals("localhost") || name.startsWith("127.") || name.equals("::1");
    }

    /** {@code host/repo:tag} or {@code host/repo@digest} → host, repository, tag or digest ({@code latest} if none). */
    private static String[] split(String name, String at) throws InvalidContentException {
        int slash = name.indexOf('/');
        String host = slash < 0 ? "" : name.substring(0, slash);
        if (slash < 0 || !Address.looksLikeRegistry(host + "/x") || !(host.contains(".") || host.contains(":")
                || host.equals("localhost"))) {
            throw new InvalidContentException(at + ": '" + name + "' does not start with a registry (quay.io/org/app:1)");
        }
        String rest = name.substring(slash + 1);
        String repository;
        String ref;
        int atSign = rest.indexOf('@');
        if (atSign >= 0) {
            repository = rest.substring(0, atSign);
            ref = rest.substring(atSign + 1);
            int tag = repository.lastIndexOf(':');
            repository = tag > repository.lastIndexOf('/') ? repository.substring(0, tag) : repository; // the digest pins
            if (Digest.tryParse(ref) == null) {
                throw new InvalidContentException(at + ": '" + ref + "' is not a digest");
            }
        } else {
            int colon = rest.lastIndexOf(':');
            repository = colon < 0 ? rest : rest.substring(0, colon);
            ref = colon < 0 ? "latest" : rest.substring(colon + 1);
        }
        if (!Address.isRepositoryName(repository)) {
            throw new InvalidContentException(at + ": '" + repository + "' is not a repository name (lowercase, a/b/c)");
        }
        return new String[] {host, repository, ref};
    }
}
