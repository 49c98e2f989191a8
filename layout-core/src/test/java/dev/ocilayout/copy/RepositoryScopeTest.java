package dev.ocilayout.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocilayout.Layout;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One repository of a layout that holds several by full names (spec-notes/repositories.md), on jimfs. */
class RepositoryScopeTest {
    static final RepositoryScope BIMG = RepositoryScope.of("localhost/bimg");
    Layout layout;
    LayoutBuilder b;
    Descriptor one;
    Descriptor two;

    @BeforeEach
    void layoutOfTwoRepositories() throws IOException {
        layout = Layout.create(TestFs.unixRoot().resolve("store"));
        b = new LayoutBuilder(layout);
        one = b.image("one", "1");
        two = b.image("two", "2");
        b.tag("v1", one);
        b.tag("localhost/bimg:2", two);
        b.tag("localhost/bimg", one);
        b.tag("docker.io/library/busybox:1.36", two);
    }

    @Test
    void aNamedRepositoryHoldsItsFullNamesAndANameWithoutATagIsLatest() throws IOException {
        var index = layout.index().read();
        assertEquals(List.of("2", "latest"), BIMG.tags(index).stream().map(RepositoryScope.Tagged::tag).toList());
        assertEquals("localhost/bimg", BIMG.find(index, "latest"));
        assertEquals(List.of("v1"), RepositoryScope.UNNAMED.tags(index).stream().map(RepositoryScope.Tagged::tag).toList());
        assertEquals(List.of("docker.io/library/busybox", "localhost/bimg"), RepositoryScope.named(index));
    }

    @Test
    void aRepositoryNameIsAFullNameWithoutATag() {
        assertThrows(IllegalArgumentException.class, () -> RepositoryScope.of("bimg"));
        assertThrows(IllegalArgumentException.class, () -> RepositoryScope.of("localhost/bimg:2"));
        assertEquals(RepositoryScope.UNNAMED, RepositoryScope.of(null));
    }

    @Test
    void aScopedTargetResolvesListsAndWritesTagsWithinItsRepository() throws IOException {
        LayoutTarget target = new LayoutTarget(layout, null, BIMG);
        assertEquals(List.of("2", "latest"), target.tags());
        assertEquals(two.digest(), target.resolve("2").digest());
        NotFoundException e = assertThrows(NotFoundException.class, () -> target.resolve("v1"));
        assertEquals(true, e.getMessage().contains("repository localhost/bimg"), e.getMessage());
        target.tag(two, "3");
        assertEquals(two.digest(), layout.resolveTag("localhost/bimg:3").digest());
        assertNull(RepositoryScope.UNNAMED.find(layout.index().read(), "3"));
    }

    @Test
    void aCopyIntoAScopedLayoutStoresTheTagUnderTheFullName() throws IOException {
        Layout dst = Layout.create(layout.root().resolveSibling("dst"));
        TargetCopy.copy(new LayoutTarget(layout, null, BIMG), "2", new LayoutTarget(dst, null, BIMG), "2",
                TargetCopy.Options.defaults(), null);
        assertEquals(List.of("localhost/bimg:2"), Tags.list(dst.index().read()).stream().map(Tags.Tag::name).toList());
    }

    @Test
    void aFallbackTagIsItsRepositorysAndRecordsByDigestAreEveryones() throws IOException {
        Descriptor sig = b.referrer(one, "application/vnd.example.signature", "s");
        Descriptor sbom = b.referrer(one, "application/spdx+json", "{}");
        layout.index().update(i -> new FallbackTagStrategy().in(BIMG).add(layout, i, one.digest(),
                ReferrerIndex.responseDescriptor(sig, layout.readManifest(sig))));
        b.untagged(sbom);
        assertEquals(two.digest(), layout.resolveTag("localhost/bimg:2").digest());
        layout.resolveTag("localhost/bimg:" + ReferrerKeys.fallbackTag(one.digest()));
        ReferrerIndex index = ReferrerIndex.build(layout, false);
        assertEquals(2, index.referrers(one.digest(), null, BIMG).size());
        assertEquals(List.of(sbom.digest()), index.referrers(one.digest(), null, RepositoryScope.UNNAMED).stream()
                .map(r -> r.descriptor().digest()).toList());
        assertEquals(2, index.referrers(one.digest(), null).size(), "the whole layout sees every record");
        assertEquals(2, new LayoutTarget(layout, null, BIMG).referrers(one.digest(), null).size());
    }

    @Test
    void removingADigestFromOneRepositoryKeepsAnotherRepositorysNameOfIt() throws IOException {
        Untagging.removeDigest(layout, two.digest(), BIMG, false);
        assertEquals(List.of("docker.io/library/busybox:1.36", "localhost/bimg", "v1"),
                Tags.list(layout.index().read()).stream().map(Tags.Tag::name).toList());
    }
}
