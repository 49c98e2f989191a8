package dev.ocilayout.error;

import java.util.List;

/**
 * What a user can do about an error, as data. The library's message says what is wrong and where; the
 * front end that shows it (the CLI's error handler) turns the hint into its own terms, a flag or a
 * command, so that library messages never name options a library user does not have.
 *
 * @param kind what to do
 * @param args what it applies to (a layout folder, a tag), in the order the kind documents
 */
public record Hint(Kind kind, List<String> args) {
    public Hint {
        args = List.copyOf(args);
    }

    /** The remedies a front end can offer. */
    public enum Kind {
        /** A manifest is over the manifest size cap: raise it if the content is trusted. */
        RAISE_MANIFEST_LIMIT,
        /** {@code index.json} is over its size cap: raise it if the layout is trusted. */
        RAISE_INDEX_LIMIT,
        /** An archive expands past the size bound: raise it if the archive is trusted. */
        RAISE_ARCHIVE_SIZE_LIMIT,
        /** A compressed archive expands past the ratio bound: raise it if the archive is trusted. */
        RAISE_ARCHIVE_RATIO_LIMIT,
        /** The layout stayed locked: retry later, or wait longer. */
        WAIT_LONGER_FOR_LOCK,
        /** There is no layout: create one. Args: the folder. */
        CREATE_LAYOUT,
        /** A tag names two digests: tag one of them again. Args: the layout, the tag. */
        RETAG_ONE,
        /** An index was given where one manifest is needed: look into it to choose one. */
        CHOOSE_FROM_INDEX,
        /** index.json and manifest.json of an archive disagree: take manifest.json's images instead. */
        USE_MANIFEST_JSON,
        /** Tags of an import name other content: choose to overwrite them or skip them. */
        CHOOSE_ON_CONFLICT,
        /** A docker-archive cannot hold what was asked: write an OCI or dual archive. */
        EXPORT_OCI_OR_DUAL,
        /** An index of many platforms where one image is needed: choose a platform. */
        CHOOSE_PLATFORM,
        /** An archive that is only imported, not read in place. Args: the archive. */
        IMPORT_ARCHIVE,
        /** The registry wants credentials. */
        GIVE_CREDENTIALS,
        /** The registry may not speak TLS. */
        USE_PLAIN_HTTP,
        /** TLS failed: the registry may not speak it, or its certificate may not be verifiable. */
        USE_PLAIN_HTTP_OR_INSECURE
    }

    /** Gives {@code e} the hint and returns it, for {@code throw Hint.on(new ...Exception(...), kind)}. */
    public static <E extends LayoutException> E on(E e, Kind kind, String... args) {
        e.hint = new Hint(kind, List.of(args));
        return e;
    }
}
