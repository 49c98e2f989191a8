package dev.ocilayout.cli;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.LayoutException;
import java.util.List;

/** The CLI's words for each {@link Hint}: the flag or command that helps, appended to the error's line. */
final class Hints {
    private Hints() {
    }

    /** The text for the first hint on the error or its causes, with its leading punctuation; else empty. */
    static String of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LayoutException le && le.hint() != null) {
                return text(le.hint());
            }
        }
        return "";
    }

    static String text(Hint hint) {
        List<String> a = hint.args();
        return switch (hint.kind()) {
            case RAISE_MANIFEST_LIMIT -> "; raise it with --max-manifest-size if it is trusted";
            case RAISE_INDEX_LIMIT -> "; raise it with --max-index-size if the layout is trusted";
            case RAISE_ARCHIVE_SIZE_LIMIT -> "; raise it with --max-size if it is trusted";
            case RAISE_ARCHIVE_RATIO_LIMIT -> "; raise --max-ratio if it is trusted";
            case WAIT_LONGER_FOR_LOCK -> "; retry later or raise --lock-timeout";
            case CREATE_LAYOUT -> fullNameInLayout(a.get(0));
            case RETAG_ONE -> "; re-tag one with: oci-layout tag " + a.get(0) + "@<digest> " + a.get(1);
            case CHOOSE_FROM_INDEX -> " (see: oci-layout cat)";
            case USE_MANIFEST_JSON -> " (--use-manifest-json imports manifest.json's images)";
            case CHOOSE_ON_CONFLICT -> " (use --on-conflict overwrite or skip)";
            case EXPORT_OCI_OR_DUAL -> "; use --archive-format dual or oci";
            case CHOOSE_PLATFORM -> "; choose one with --platform";
            case IMPORT_ARCHIVE -> ": import it (oci-layout import " + a.get(0) + " DIR)";
            case GIVE_CREDENTIALS -> " (credentials: --username/--password-stdin or ~/.docker/config.json)";
            case USE_PLAIN_HTTP -> " (--plain-http for a registry without TLS)";
            case USE_PLAIN_HTTP_OR_INSECURE -> " (--plain-http for a registry without TLS, --insecure for an"
                    + " unverified certificate)";
        };
    }

    /**
     * {@code pm-dir:localhost/bimg} is no folder, but {@code pm-dir} is a layout: the user meant a full name in
     * it, which only the {@code oci:} form can say (the DIR form takes the text after the last ':'). Else the
     * layout is to be created.
     */
    private static String fullNameInLayout(String folder) {
        int colon = folder.indexOf(':');
        if (colon > 0 && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(folder.substring(0, colon), "oci-layout"))) {
            return "; " + folder.substring(0, colon) + " is a layout: to name a full name in it, write oci:"
                    + folder + ":TAG (or --layout " + folder.substring(0, colon) + " " + folder.substring(colon + 1) + ":TAG)";
        }
        return " (create it with: oci-layout init " + folder + ")";
    }
}
