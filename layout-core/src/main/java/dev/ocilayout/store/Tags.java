package dev.ocilayout.store;

import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RefName;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Tags of a layout: the {@code org.opencontainers.image.ref.name} annotations of {@code index.json}
 * entries. These are pure functions from one index to the next; {@link IndexStore#update} applies them
 * under the lock.
 *
 * <p>Rules (spec-notes/tags.md): one entry per name, as skopeo and umoci expect, so a digest with several
 * tags has several entries; a tag names one descriptor at a time, so tagging moves the name; a plain
 * untagged entry of the same digest (no annotations at all) is absorbed into the tagged one; untagged
 * entries that carry annotations (referrer bookkeeping of other tools) are never touched by tagging.
 */
public final class Tags {
    private Tags() {
    }

    /** A tag and the descriptor it names. */
    public record Tag(String name, Descriptor descriptor) {
    }

    /**
     * Names {@code target} with {@code name}, moving the name if another descriptor had it.
     *
     * @param target the descriptor to tag; its annotations are not copied, only its content fields
     */
    public static ImageIndex tag(ImageIndex index, String name, Descriptor target) {
        RefName.validate(name);
        Descriptor entry = new Descriptor(target.mediaType(), target.digest(), target.size(), target.urls(),
                null, target.data(), target.platform(), target.artifactType(), null)
                .withAnnotation(Annotations.REF_NAME, name);
        return place(index, name, entry);
    }

    /**
     * Names {@code entry} with {@code name} like {@link #tag}, keeping its other annotations (an imported
     * entry's {@code io.containerd.image.name}, say).
     */
    public static ImageIndex tagEntry(ImageIndex index, String name, Descriptor entry) {
        RefName.validate(name);
        return place(index, name, entry.withAnnotation(Annotations.REF_NAME, name));
    }

    private static ImageIndex place(ImageIndex index, String name, Descriptor entry) {
        List<Descriptor> kept = new ArrayList<>(index.manifests().size() + 1);
        boolean present = false;
        for (Descriptor d : index.manifests()) {
            if (name.equals(d.refName())) {
                if (!present && d.sameContent(entry)) {
                    present = true;
                    kept.add(d); // already tagged: keep the entry exactly as it is
                }
                continue;
            }
            if (d.annotations().isEmpty() && d.digest().equals(entry.digest())) {
                continue; // a bare "tag by digest" placeholder becomes the tagged entry
            }
            kept.add(d);
        }
        if (!present) {
            kept.add(entry);
        }
        return index.withManifests(kept);
    }

    /** Removes the entries named {@code name}. */
    public static ImageIndex untag(ImageIndex index, String name) throws NotFoundException {
        ImageIndex next = index.without(d -> name.equals(d.refName()));
        if (next.manifests().size() == index.manifests().size()) {
            throw new NotFoundException("tag " + name + " not found");
        }
        return next;
    }

    /** Adds an untagged entry for {@code d} unless an entry with its digest exists. */
    public static ImageIndex addUntagged(ImageIndex index, Descriptor d) {
        boolean listed = index.manifests().stream().anyMatch(e -> e.digest().equals(d.digest()));
        if (listed) {
            return index;
        }
        List<Descriptor> list = new ArrayList<>(index.manifests());
        list.add(d.withoutAnnotation(Annotations.REF_NAME));
        return index.withManifests(list);
    }

    /** Tags in name order; where a name appears on several entries, the last one wins (as skopeo reads). */
    public static List<Tag> list(ImageIndex index) {
        TreeMap<String, Descriptor> byName = new TreeMap<>();
        for (Descriptor d : index.manifests()) {
            if (d.refName() != null) {
                byName.put(d.refName(), d);
            }
        }
        List<Tag> tags = new ArrayList<>(byName.size());
        byName.forEach((n, d) -> tags.add(new Tag(n, d)));
        return tags;
    }

    /** Tags whose name matches {@code include} (if given) and not {@code exclude} (if given), whole-name. */
    public static List<Tag> list(ImageIndex index, Pattern include, Pattern exclude) {
        Predicate<String> keep = filter(include, exclude);
        return list(index).stream().filter(t -> keep.test(t.name())).toList();
    }

    /** Tag names matching {@code include} (whole name) and not {@code exclude}; null for either: no condition. */
    public static Predicate<String> filter(Pattern include, Pattern exclude) {
        return n -> (include == null || include.matcher(n).matches()) && (exclude == null || !exclude.matcher(n).matches());
    }

    /** Entries named {@code name}, in index order. */
    public static List<Descriptor> entries(ImageIndex index, String name) {
        return index.manifests().stream().filter(d -> Objects.equals(name, d.refName())).toList();
    }
}
