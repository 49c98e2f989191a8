package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Referrer conventions survive copies (issue #23): a new destination records referrers as the source does, so
 * that the tool that wrote the source (regclient, which reads only fallback tags) finds them in the copy.
 */
class ReferrerConventionCopiesTest {
    @TempDir
    Path tmp;
    Path regclient;

    @BeforeEach
    void aLayoutAsRegclientWritesIt() throws Exception {
        regclient = TestData.copy("referrers/regclient", tmp.resolve("regclient"));
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** The convention a layout records by, and how many referrers its fallback tags list. */
    private static String convention(Path layout) throws Exception {
        return Referrers.detected(Layout.open(layout).index().read()).name();
    }

    private static int underFallbackTags(Path layout) throws Exception {
        Layout l = Layout.open(layout);
        int n = 0;
        for (var d : l.index().read().manifests()) {
            if (ReferrerIndex.isFallbackEntry(d)) {
                n += ((dev.ocilayout.model.ImageIndex) l.readManifest(d)).manifests().size();
            }
        }
        return n;
    }

    private static List<String> discovered(Path layout) throws Exception {
        JsonNode r = ModelJson.mapper().readTree(ok(Cli.run("discover", layout + ":v1", "--format", "json")).out());
        return r.get("manifests").findValuesAsText("artifactType").stream().sorted().toList();
    }

    @Test
    void aCopyIntoANewLayoutKeepsTheSourcesFallbackTagsAndSaysSo() throws Exception {
        Path copy = tmp.resolve("copy");
        Cli.Result r = ok(Cli.run("copy", regclient + ":v1", copy.toString(), "--referrers"));
        assertTrue(r.out().contains("Referrers are recorded as fallback-tag, the source's convention"), r.out());
        assertEquals("fallback-tag", convention(copy));
        assertEquals(underFallbackTags(regclient), underFallbackTags(copy), "regclient finds as many in the copy");
        assertEquals(discovered(regclient), discovered(copy));
    }

    @Test
    void aDestinationWithItsOwnConventionKeepsIt() throws Exception {
        Path mine = tmp.resolve("mine");
        ok(Cli.run("copy", regclient + ":v1", mine.toString(), "--referrers", "--referrers-as", "subject-annotation"));
        ok(Cli.run("copy", regclient + ":v1", mine + ":again", "--referrers"));
        assertEquals("subject-annotation", convention(mine));
    }

    @Test
    void exportThenImportIntoANewLayoutKeepsTheConvention() throws Exception {
        Path tar = tmp.resolve("r.tar");
        ok(Cli.run("export", regclient + ":v1", "--referrers", "-o", tar.toString()));
        Path imported = tmp.resolve("imported");
        Cli.Result r = ok(Cli.run("import", tar.toString(), imported.toString()));
        assertTrue(r.out().contains("(recorded as fallback-tag)"), r.out());
        assertEquals("fallback-tag", convention(imported));
        assertEquals(underFallbackTags(regclient), underFallbackTags(imported));
        ok(Cli.run("fsck", imported.toString()));
    }

    @Test
    void exportCanWriteForEveryReader() throws Exception {
        Path tar = tmp.resolve("every.tar");
        ok(Cli.run("export", regclient + ":v1", "--referrers", "--referrers-as", "every-reader", "-o", tar.toString()));
        ok(Cli.run("fsck", "oci-archive:" + tar));
        Path imported = tmp.resolve("imported");
        ok(Cli.run("import", tar.toString(), imported.toString()));
        assertEquals("every-reader", convention(imported));
        assertEquals(discovered(regclient), discovered(imported));
    }

    @Test
    void convertingTwiceSaysTheSecondTimeThatNothingChanged() throws Exception {
        ok(Cli.run("referrers", "convert", regclient.toString(), "--to", "every-reader"));
        Cli.Result again = ok(Cli.run("referrers", "convert", regclient.toString(), "--to", "every-reader"));
        assertTrue(again.out().startsWith("Nothing to change: "), again.out());
        assertTrue(!again.out().contains("removed"), again.out());
    }
}
