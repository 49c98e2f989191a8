package dev.ocilayout.lint;

import java.util.Locale;

/** How much a lint finding matters: an error fails {@code lint}; with {@code --strict} anything does. */
public enum Severity {
    ERROR, WARNING, INFO;

    /** {@code error}, {@code warning} or {@code info}, as JSON and the data file spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
