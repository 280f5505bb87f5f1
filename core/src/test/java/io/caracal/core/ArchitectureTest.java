package io.caracal.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The house rules of core, read from its sources: its feature packages form no cycle, and the framework stays at
 * the edge (Micronaut only in {@code config} and in the adapters named for what they are).
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/caracal/core");
    /** Thin adapters the framework calls; everything else is plain Java. */
    private static final List<String> EDGE_SUFFIXES = List.of("Factory", "Handler", "Listener", "Controller", "Job", "Command", "Launcher");

    @Test
    void corePackagesFormNoCycle() {
        PackageGraph graph = PackageGraph.of(sources());
        assertTrue(graph.packages().size() > 10, "read the sources: " + graph.packages());
        assertEquals(List.of(), graph.cycles(), "package cycles, with the references that make them:\n" + graph.explain(graph.cycles()));
    }

    @Test
    void theCheckFindsACycleAddedByHand() {
        Map<String, String> sources = new TreeMap<>(sources());
        sources.put("money/Loop.java", "package io.caracal.core.money;\nimport io.caracal.core.budget.BudgetEngine;\nclass Loop { BudgetEngine e; }\n");
        List<List<String>> cycles = PackageGraph.of(sources).cycles();
        assertFalse(cycles.isEmpty(), "money -> budget -> money must be found");
        assertTrue(cycles.get(0).containsAll(Set.of("money", "budget")), cycles.toString());
    }

    @Test
    void micronautOnlyAtTheEdge() {
        List<String> offenders = new ArrayList<>();
        sources().forEach((file, source) -> {
            String name = Path.of(file).getFileName().toString().replace(".java", "");
            boolean edge = file.startsWith("config/") || EDGE_SUFFIXES.stream().anyMatch(name::endsWith);
            if (!edge && source.contains("import io.micronaut.")) {
                offenders.add(file);
            }
        });
        assertEquals(List.of(), offenders, "Micronaut imported outside config/ and the framework's adapters");
    }

    /** Every main source file of core, by its path under io/caracal/core. */
    private static Map<String, String> sources() {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.put(SOURCES.relativize(p).toString(), read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
