package dev.ocilayout.model;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One repository of a layout that holds several (spec-notes/repositories.md): the layout's unnamed
 * repository, whose entries are plain tags ({@code v1}, as skopeo and umoci write), or a named one, whose
 * entries are full names ({@code localhost/bimg:2}, as podman, buildah and Jib write). Within a scope an
 * entry is addressed by its tag alone ({@code 2}); {@link #refName} gives the ref.name it is stored under.
 * Digest-addressed content (blobs, manifests, referrers recorded by digest) is shared by every scope of
 * the layout, as blobs are shared by the repositories of a registry's one store.
 *
 * @param name the repository's name, or null for the unnamed one
 */
public record RepositoryScope(String name) {
    /** The repository of plain tags. */
    public static final RepositoryScope UNNAMED = new RepositoryScope(null);

    public RepositoryScope {
        if (name != null && (name.indexOf('/') < 0 || !RefName.isValid(name) || RefName.repositoryOf(name) == null
                || !RefName.repositoryOf(name).equals(name))) {
            throw new IllegalArgumentException("invalid repository name " + name
                    + ": a full name without a tag, with a '/' (localhost/bimg, docker.io/library/busybox)");
        }
    }

    /** The named scope of {@code name}, or {@link #UNNAMED} for null. */
    public static RepositoryScope of(String name) {
        return name == null ? UNNAMED : new RepositoryScope(name);
    }

    /** The scope an entry's ref.name belongs to. */
    public static RepositoryScope ofRefName(String refName) {
        return of(RefName.repositoryOf(refName));
    }

    public boolean isUnnamed() {
        return name == null;
    }

    /** Whether a ref.name belongs to this repository. */
    public boolean holds(String refName) {
        return refName != null && java.util.Objects.equals(name, RefName.repositoryOf(refName));
    }

    /** The ref.name a tag of this repository is stored under: the tag itself, or {@code NAME:TAG}. */
    public String refName(String tag) {
        return name == null ? tag : name + ":" + tag;
    }

    /**
     * The ref.name under which {@code index} holds this repository's {@code tag} ({@code localhost/bimg} for
     * {@code latest} when the name was stored without one), or null when it holds none.
     */
    public String find(ImageIndex index, String tag) {
        String exact = refName(tag);
        String found = null;
        for (Descriptor d : index.manifests()) {
            String n = d.refName();
            if (exact.equals(n)) {
                return n;
            }
            if (found == null && holds(n) && RefName.tagOf(n).equals(tag)) {
                found = n;
            }
        }
        return found;
    }

    /** This repository's tags (tag parts only) with the entry each names, in tag order; the last entry wins. */
    public List<Tagged> tags(ImageIndex index) {
        TreeMap<String, Tagged> byTag = new TreeMap<>();
        for (Descriptor d : index.manifests()) {
            String n = d.refName();
            if (holds(n)) {
                String tag = RefName.tagOf(n);
                Tagged previous = byTag.get(tag);
                if (previous == null || previous.refName().equals(n) || n.equals(refName(tag))) {
                    byTag.put(tag, new Tagged(tag, n, d)); // NAME:latest wins over a bare NAME
                }
            }
        }
        return new ArrayList<>(byTag.values());
    }

    /** The named repositories whose entries {@code index} holds, sorted. */
    public static List<String> named(ImageIndex index) {
        TreeSet<String> names = new TreeSet<>();
        for (Descriptor d : index.manifests()) {
            if (d.refName() != null && RefName.repositoryOf(d.refName()) != null) {
                names.add(RefName.repositoryOf(d.refName()));
            }
        }
        return List.copyOf(names);
    }

    /** Whether {@code index} holds plain tags. */
    public static boolean hasPlainTags(ImageIndex index) {
        return index.manifests().stream().anyMatch(d -> UNNAMED.holds(d.refName()));
    }

    /** A tag of a repository, the ref.name it is stored under, and its entry. */
    public record Tagged(String tag, String refName, Descriptor entry) {
    }

    @Override
    public String toString() {
        return name == null ? "(unnamed)" : name;
    }
}
