package io.caracal.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of core's packages refer to which, from the sources: imports and fully qualified names alike (a fully
 * qualified name hides a dependency as well as an import shows one). Cycles are the strongly connected
 * components of more than one package.
 */
final class PackageGraph {
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.caracal\\.core\\.([a-z]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("io\\.caracal\\.core\\.([a-z]+)\\.([A-Z]\\w*)");

    /** package → package it refers to → the references, as "File -> Class". */
    private final Map<String, Map<String, Set<String>>> edges;

    private PackageGraph(Map<String, Map<String, Set<String>>> edges) {
        this.edges = edges;
    }

    /** {@code sources}: file name → source text. */
    static PackageGraph of(Map<String, String> sources) {
        Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
        sources.forEach((file, source) -> {
            Matcher pkg = PACKAGE.matcher(source);
            if (!pkg.find()) {
                return;
            }
            String from = pkg.group(1);
            Map<String, Set<String>> out = edges.computeIfAbsent(from, p -> new TreeMap<>());
            Matcher ref = REFERENCE.matcher(source);
            while (ref.find()) {
                if (!ref.group(1).equals(from)) {
                    out.computeIfAbsent(ref.group(1), p -> new TreeSet<>()).add(file + " -> " + ref.group(2));
                }
            }
        });
        return new PackageGraph(edges);
    }

    Set<String> packages() {
        return edges.keySet();
    }

    /** Each cycle as its packages, sorted; none when the packages are layered. */
    List<List<String>> cycles() {
        return new Tarjan().components().stream().filter(c -> c.size() > 1).map(c -> List.copyOf(new TreeSet<>(c))).toList();
    }

    /** The references inside each cycle, to say what to cut. */
    String explain(List<List<String>> cycles) {
        StringBuilder out = new StringBuilder();
        for (List<String> cycle : cycles) {
            for (String from : cycle) {
                for (String to : cycle) {
                    Set<String> refs = edges.getOrDefault(from, Map.of()).get(to);
                    if (refs != null) {
                        out.append("  ").append(from).append(" -> ").append(to).append(": ").append(refs).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** Tarjan's strongly connected components over the package edges. */
    private final class Tarjan {
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<List<String>> found = new ArrayList<>();

        List<List<String>> components() {
            for (String node : edges.keySet()) {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            }
            return found;
        }

        private void visit(String node) {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.push(node);
            onStack.add(node);
            for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
                if (!index.containsKey(next)) {
                    visit(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                } else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                List<String> component = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                found.add(component);
            }
        }
    }
}
