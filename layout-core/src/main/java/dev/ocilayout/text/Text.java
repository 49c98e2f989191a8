package dev.ocilayout.text;

/** Helpers to put untrusted text into one-line messages safely. */
public final class Text {
    private static final int MAX_QUOTED = 100;

    private Text() {
    }

    /**
     * Quotes a value for an error message: control and non-ASCII characters are escaped and long values
     * are cut, so hostile input can neither break the line nor flood the terminal.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(MAX_QUOTED + 32).append('"');
        int i = 0;
        for (; i < value.length() && sb.length() <= MAX_QUOTED; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (i < value.length()) {
            sb.append("...(").append(value.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }

    /** A message from a parser, on one line and at most a few hundred characters. */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String s = message.replaceAll("[\\r\\n\\t]+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
