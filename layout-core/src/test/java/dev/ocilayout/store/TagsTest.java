package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TagsTest {
    static final Descriptor A = Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + "a".repeat(64)), 10);
    static final Descriptor B = Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse("sha256:" + "b".repeat(64)), 20);

    static List<String> names(ImageIndex index) {
        return index.manifests().stream().map(d -> d.refName() + "=" + d.digest().encoded().charAt(0)).toList();
    }

    @Test
    void severalNamesOnOneDigestAreOneEntryPerName() {
        ImageIndex index = Tags.tag(Tags.tag(ImageIndex.empty(), "v1", A), "latest", A);
        assertEquals(List.of("v1=a", "latest=a"), names(index));
    }

    @Test
    void taggingMovesTheNameFromTheDescriptorThatHadIt() {
        ImageIndex index = Tags.tag(Tags.tag(Tags.tag(ImageIndex.empty(), "v1", A), "latest", A), "latest", B);
        assertEquals(List.of("v1=a", "latest=b"), names(index));
    }

    @Test
    void taggingTheSameDigestAgainChangesNothing() {
        ImageIndex once = Tags.tag(ImageIndex.empty(), "v1", A);
        assertEquals(once, Tags.tag(once, "v1", A));
    }

    @Test
    void aBareUntaggedEntryIsAbsorbedButAnnotatedOnesStay() {
        Descriptor referrerEntry = A.withAnnotation(Annotations.CONTAINERD_SUBJECT, "sha256:" + "c".repeat(64));
        ImageIndex index = ImageIndex.empty().withManifests(List.of(A, referrerEntry));
        ImageIndex tagged = Tags.tag(index, "v1", A);
        assertEquals(List.of(referrerEntry, A.withAnnotation(Annotations.REF_NAME, "v1")), tagged.manifests());
    }

    @Test
    void theTaggedEntryCarriesContentFieldsButNotTheSourcesAnnotations() {
        Descriptor source = A.withAnnotation(Annotations.REF_NAME, "v1").withAnnotation("x", "y").withArtifactType("a/b");
        Descriptor entry = Tags.tag(ImageIndex.empty(), "v2", source).manifests().get(0);
        assertEquals(java.util.Map.of(Annotations.REF_NAME, "v2"), entry.annotations());
        assertEquals("a/b", entry.artifactType());
    }

    @Test
    void untagRemovesTheNamedEntryOnly() throws NotFoundException {
        ImageIndex index = Tags.tag(Tags.tag(ImageIndex.empty(), "v1", A), "v2", A);
        assertEquals(List.of("v2=a"), names(Tags.untag(index, "v1")));
        assertThrows(NotFoundException.class, () -> Tags.untag(index, "nope"));
    }

    @Test
    void addUntaggedKeepsOneEntryPerDigest() {
        ImageIndex index = Tags.addUntagged(ImageIndex.empty(), A);
        assertSame(index, Tags.addUntagged(index, A));
        assertEquals(List.of("null=a"), names(index));
    }

    @Test
    void listIsSortedAndFiltersOnWholeNames() {
        ImageIndex index = ImageIndex.empty();
        for (String t : List.of("v2", "v1", "v1-rc1", "latest", "v10")) {
            index = Tags.tag(index, t, A);
        }
        assertEquals(List.of("latest", "v1", "v1-rc1", "v10", "v2"),
                Tags.list(index).stream().map(Tags.Tag::name).toList());
        assertEquals(List.of("v1", "v10", "v2"), Tags.list(index, Pattern.compile("v[0-9]+"), null)
                .stream().map(Tags.Tag::name).toList());
        assertEquals(List.of("latest", "v1", "v10", "v2"), Tags.list(index, null, Pattern.compile(".*-rc.*"))
                .stream().map(Tags.Tag::name).toList());
    }

    @Test
    void invalidNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Tags.tag(ImageIndex.empty(), "../../etc", A));
    }
}
