import dev.ocilayout.cli.OciLayout;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the AsciiDoc man page sources of oci-layout and every subcommand, from the picocli model the CLI
 * runs with (picocli-codegen's generator); dist/build turns them into troff with asciidoctor. Build-time only:
 * it is compiled by dist/build against the jar and picocli-codegen, never part of the jar.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        CommandLine cl = OciLayout.commandLine(InputStream.nullInputStream(), none, none);
        int exit = ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true, cl.getCommandSpec());
        if (exit != 0) {
            throw new IllegalStateException("the man page generator exited " + exit);
        }
    }
}
