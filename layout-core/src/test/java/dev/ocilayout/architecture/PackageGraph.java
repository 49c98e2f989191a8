package dev.ocilayout.architecture;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which package depends on which, as the JDK's jdeps reads compiled classes (so it sees every use, imports,
 * fully qualified names and signatures alike), limited to packages under one prefix.
 */
final class PackageGraph {
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    private final Map<String, Set<String>> edges;

    PackageGraph(Map<String, Set<String>> edges) {
        this.edges = edges;
    }

    /** The graph of the classes under {@code classes} (a folder or a jar), packages starting with {@code prefix}. */
    static PackageGraph of(Path classes, String prefix) {
        var jdeps = java.util.spi.ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        // a module's classes (module-info.class) are read with the modules it requires, found on the class path
        String modulePath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.contains("jackson")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                "--ignore-missing-deps", "--multi-release", "17", "--module-path", modulePath, classes.toString());
        if (exit != 0) {
            throw new IllegalStateException("jdeps failed: " + out);
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && m.group(1).startsWith(prefix) && m.group(2).startsWith(prefix)
                    && !m.group(1).equals(m.group(2))) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        return new PackageGraph(edges);
    }

    Map<String, Set<String>> edges() {
        return edges;
    }

    /** Every cycle (strongly connected set of two or more packages), each sorted; empty when acyclic. */
    List<List<String>> cycles() {
        Set<String> nodes = new TreeSet<>(edges.keySet());
        edges.values().forEach(nodes::addAll);
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String n : nodes) {
            if (!index.containsKey(n)) {
                strongConnect(n, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                               Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    /**
     * The edges that break the layering: a package may use only packages of a lower layer. A package with no
     * layer is a violation of its own (a new package must be placed).
     */
    List<String> violations(Map<String, Integer> layers) {
        List<String> out = new ArrayList<>();
        Set<String> nodes = new TreeSet<>(edges.keySet());
        edges.values().forEach(nodes::addAll);
        for (String n : nodes) {
            if (!layers.containsKey(n)) {
                out.add(n + " has no layer in the dependency rule");
            }
        }
        edges.forEach((from, tos) -> tos.forEach(to -> {
            if (layers.containsKey(from) && layers.containsKey(to) && layers.get(to) >= layers.get(from)) {
                out.add(from + " (layer " + layers.get(from) + ") uses " + to + " (layer " + layers.get(to) + ")");
            }
        }));
        return out;
    }
}
