package dev.ocilayout.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic versions of tags and the constraints {@code skopeo sync}'s {@code images-by-semver} takes, in the
 * syntax of Masterminds/semver (which skopeo uses): a version may start with {@code v} and leave out its minor
 * and patch ({@code v1.2} is 1.2.0); a constraint is comparisons ({@code =}, {@code !=}, {@code >}, {@code <},
 * {@code >=}, {@code <=}, {@code ~}, {@code ^}, or none for {@code =}) joined by {@code ,} or spaces (all must
 * hold) and {@code ||} (one group must), with {@code x}, {@code X} or {@code *} as wildcards and
 * {@code A - B} ranges. As in Masterminds, a pre-release version satisfies a constraint only when a
 * comparison of its group names a pre-release itself.
 */
public record Semver(long major, long minor, long patch, String prerelease) implements Comparable<Semver> {
    private static final Pattern VERSION = Pattern.compile(
            "v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-.]+)?");

    /** A tag as a version, or null when it is not one. */
    public static Semver parse(String text) {
        Matcher m = VERSION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            return new Semver(Long.parseLong(m.group(1)), m.group(2) == null ? 0 : Long.parseLong(m.group(2)),
                    m.group(3) == null ? 0 : Long.parseLong(m.group(3)), m.group(4) == null ? "" : m.group(4));
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds
        }
    }

    @Override
    public int compareTo(Semver o) {
        int c = Long.compare(major, o.major);
        c = c != 0 ? c : Long.compare(minor, o.minor);
        c = c != 0 ? c : Long.compare(patch, o.patch);
        return c != 0 ? c : comparePrerelease(prerelease, o.prerelease);
    }

    /** semver.org §11: no pre-release ranks above one; identifiers compare numerically or in ASCII order. */
    private static int comparePrerelease(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? 1 : -1;
        }
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xn = x[i].chars().allMatch(Character::isDigit);
            boolean yn = y[i].chars().allMatch(Character::isDigit);
            int c = xn && yn ? new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]))
                    : xn ? -1 : yn ? 1 : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /** A constraint: groups joined by {@code ||}, each a list of comparisons that must all hold. */
    public record Constraint(String text, List<List<Comparison>> groups) {
        public static Constraint parse(String text) {
            List<List<Comparison>> groups = new ArrayList<>();
            for (String group : text.split("\\|\\|")) {
                String g = group.trim();
                List<Comparison> all = new ArrayList<>();
                Matcher hyphen = Pattern.compile("^(\\S+)\\s+-\\s+(\\S+)$").matcher(g);
                if (hyphen.matches()) {
                    all.add(Comparison.parse(">=" + hyphen.group(1), text));
                    all.add(Comparison.parse("<=" + hyphen.group(2), text));
                } else {
                    // operators may stand apart from their versions (">= 1.2"): join them first
                    String joined = g.replaceAll("(>=|<=|!=|=|>|<|~>|~|\\^)\\s+", "$1");
                    for (String part : joined.split("[,\\s]+")) {
                        if (!part.isEmpty()) {
                            all.add(Comparison.parse(part, text));
                        }
                    }
                }
                if (all.isEmpty()) {
                    throw new IllegalArgumentException("semver constraint '" + text + "' has an empty group");
                }
                groups.add(all);
            }
            return new Constraint(text, groups);
        }

        public boolean test(Semver v) {
            for (List<Comparison> group : groups) {
                boolean prereleaseAllowed = v.prerelease().isEmpty()
                        || group.stream().anyMatch(c -> !c.version().prerelease().isEmpty()
                        && c.version().major() == v.major() && c.version().minor() == v.minor()
                        && c.version().patch() == v.patch());
                if (prereleaseAllowed && group.stream().allMatch(c -> c.test(v))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * One comparison. {@code wildcard} is the first of major, minor, patch given as {@code x} (3 when none):
     * {@code =1.2.x} is the range [1.2.0, 1.3.0).
     */
    public record Comparison(String operator, Semver version, int wildcard) {
        private static final Pattern PART = Pattern.compile(
                "(>=|<=|!=|=|>|<|~>|~|\\^)?v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?(-[0-9A-Za-z-.]+)?(\\+[0-9A-Za-z-.]+)?");

        static Comparison parse(String text, String constraint) {
            Matcher m = PART.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("semver constraint '" + constraint + "': '" + text
                        + "' is not a comparison such as >= 1.2.0, ~1.2, ^2, 1.x");
            }
            String op = m.group(1) == null ? "=" : m.group(1).equals("~>") ? "~" : m.group(1);
            String[] parts = {m.group(2), m.group(3), m.group(4)};
            int wildcard = 3;
            long[] n = new long[3];
            for (int i = 0; i < 3; i++) {
                if (parts[i] == null || parts[i].matches("[xX*]")) {
                    wildcard = Math.min(wildcard, i);
                } else if (wildcard == 3) {
                    n[i] = Long.parseLong(parts[i]);
                }
            }
            String pre = m.group(5) == null ? "" : m.group(5).substring(1);
            return new Comparison(op, new Semver(n[0], n[1], n[2], pre), wildcard);
        }

        /** The smallest version above the range a partial version names: 1.2 → 1.3.0, 1 → 2.0.0. */
        private Semver upper(int level) {
            return switch (level) {
                case 0 -> new Semver(Long.MAX_VALUE, 0, 0, "");
                case 1 -> new Semver(version.major + 1, 0, 0, "");
                case 2 -> new Semver(version.major, version.minor + 1, 0, "");
                default -> version;
            };
        }

        boolean test(Semver v) {
            Semver low = version;
            boolean range = wildcard < 3;
            return switch (operator) {
                case "=" -> range ? v.compareTo(low) >= 0 && v.compareTo(upper(wildcard)) < 0 : v.compareTo(low) == 0;
                case "!=" -> range ? v.compareTo(low) < 0 || v.compareTo(upper(wildcard)) >= 0 : v.compareTo(low) != 0;
                case ">" -> range ? v.compareTo(upper(wildcard)) >= 0 : v.compareTo(low) > 0;
                case ">=" -> v.compareTo(low) >= 0;
                case "<" -> v.compareTo(low) < 0;
                case "<=" -> range ? v.compareTo(upper(wildcard)) < 0 : v.compareTo(low) <= 0;
                // ~1.2.3: >= 1.2.3 < 1.3.0; ~1: >= 1.0.0 < 2.0.0
                case "~" -> v.compareTo(low) >= 0 && v.compareTo(upper(wildcard <= 1 ? 1 : 2)) < 0;
                // ^1.2.3: < 2.0.0; ^0.2.3: < 0.3.0; ^0.0.3: < 0.0.4
                case "^" -> v.compareTo(low) >= 0 && v.compareTo(version.major > 0 || wildcard <= 1 ? upper(1)
                        : version.minor > 0 || wildcard == 2 ? upper(2)
                        : new Semver(0, 0, version.patch + 1, "")) < 0;
                default -> false;
            };
        }
    }
}
