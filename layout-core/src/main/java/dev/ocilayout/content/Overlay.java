package dev.ocilayout.content;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RawManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Several sources read as one, the first in order winning: the parts of a delta over the store they build on,
 * say, so that what a part refers to but does not carry is found where it already is. Tags and referrers are
 * the union; a reference resolves where it first resolves; content is read from the first that has it.
 */
public final class Overlay implements ReadOnlyTarget {
    private final List<ReadOnlyTarget> layers;

    /** @param layers in the order they are asked, the first winning */
    public Overlay(List<? extends ReadOnlyTarget> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an overlay needs a source");
        }
        this.layers = List.copyOf(layers);
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
        NotFoundException first = null;
        for (ReadOnlyTarget t : layers) {
            try {
                return t.resolve(reference);
            } catch (NotFoundException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    @Override
    public RawManifest fetchManifest(Descriptor manifest) throws IOException {
        return holder(manifest).fetchManifest(manifest);
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        return holder(blob).fetch(blob);
    }

    @Override
    public InputStream fetchForSink(Descriptor blob) throws IOException {
        return holder(blob).fetchForSink(blob);
    }

    @Override
    public boolean exists(Descriptor blob) throws IOException {
        for (ReadOnlyTarget t : layers) {
            if (t.exists(blob)) {
                return true;
            }
        }
        return false;
    }

    private ReadOnlyTarget holder(Descriptor d) throws IOException {
        for (ReadOnlyTarget t : layers) {
            if (t.exists(d)) {
                return t;
            }
        }
        throw new NotFoundException(d.digest() + " is in none of the " + layers.size() + " sources read");
    }

    @Override
    public List<String> tags() throws IOException {
        Set<String> all = new LinkedHashSet<>();
        for (ReadOnlyTarget t : layers) {
            all.addAll(t.tags());
        }
        return List.copyOf(all);
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
        List<Descriptor> all = new ArrayList<>();
        Set<Digest> seen = new HashSet<>();
        for (ReadOnlyTarget t : layers) {
            for (Descriptor r : t.referrers(subject, artifactType)) {
                if (seen.add(r.digest())) {
                    all.add(r);
                }
            }
        }
        return all;
    }
}
