package dev.ocilayout.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Option value converters; a bad value is a usage error (exit 2). */
public final class Converters {
    private Converters() {
    }

    /** Durations like {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601 {@code PT1H}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "invalid duration '" + value + "': use e.g. 500ms, 10s, 2m, 1h or 7d");
            }
        }
    }

    /** {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
    public static final class PlatformConverter implements CommandLine.ITypeConverter<dev.ocilayout.model.Platform> {
        @Override
        public dev.ocilayout.model.Platform convert(String value) {
            try {
                return dev.ocilayout.model.Platform.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A regular expression, or a one-line message saying where it breaks (not Java's three-line exception text). */
    public static final class PatternConverter implements CommandLine.ITypeConverter<java.util.regex.Pattern> {
        @Override
        public java.util.regex.Pattern convert(String value) {
            try {
                return java.util.regex.Pattern.compile(value);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
            }
        }
    }

    /** Sizes like {@code 512}, {@code 64k}, {@code 10M}, {@code 2G}, {@code 1T} (powers of 1024). */
    public static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})([kmgt]?)(i?b)?");

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("invalid size '" + value + "': use e.g. 512, 64k, 10M, 2G or 1T");
            }
            int shift = switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new CommandLine.TypeConversionException("size '" + value + "' is too large");
            }
            return n << shift;
        }
    }

    /** A referrer convention by its name ({@code subject-annotation}, {@code referrer-subject}, {@code fallback-tag}). */
    public static final class StrategyConverter implements CommandLine.ITypeConverter<dev.ocilayout.referrers.ReferrerStrategy> {
        @Override
        public dev.ocilayout.referrers.ReferrerStrategy convert(String value) {
            try {
                return dev.ocilayout.referrers.ReferrerStrategy.named(value, false);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
