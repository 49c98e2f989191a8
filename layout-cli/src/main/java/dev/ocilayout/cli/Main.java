package dev.ocilayout.cli;

import java.util.Arrays;

/** Entry point of the {@code oci-layout} jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = OciLayout.execute(System.in, System.out, System.err, args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            // picocli hands only exceptions to the error handler; a JVM error still gets one line and exit 1
            System.err.println("oci-layout: internal error: " + e.getClass().getSimpleName()
                    + (Arrays.asList(args).contains("--debug") ? "" : " (run with --debug for details)"));
            if (Arrays.asList(args).contains("--debug")) {
                e.printStackTrace();
            }
            code = ExitCodes.FAILED;
        }
        System.out.flush();
        System.exit(code);
    }
}
