package dev.ocilayout.model;

import dev.ocilayout.text.Text;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The platform of an index entry. {@code extensions} keeps unknown fields as raw JSON.
 */
public record Platform(
        String architecture,
        String os,
        String osVersion,
        List<String> osFeatures,
        String variant,
        List<String> features,
        Map<String, String> extensions) {

    public Platform {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
        features = features == null ? List.of() : List.copyOf(features);
        extensions = Descriptor.ordered(extensions);
    }

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(architecture, os, null, null, variant, null, null);
    }

    /**
     * Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}.
     */
    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || List.of(parts).contains("")) {
            throw new IllegalArgumentException(
                    "invalid platform " + Text.quote(text) + ": expected os/arch[/variant], e.g. linux/amd64");
        }
        return of(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** {@code os/arch[/variant]}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
}
