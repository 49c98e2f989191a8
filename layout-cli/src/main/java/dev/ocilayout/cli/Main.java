package dev.ocilayout.cli;

/** Entry point of the {@code oci-layout} jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = OciLayout.commandLine(System.in, System.out, System.err).execute(args);
        System.out.flush();
        System.exit(code);
    }
}
