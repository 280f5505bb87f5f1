package io.caracal.infra;

import io.caracal.infra.tool.Tool;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks' tools: a missing one fails with what to install, and a run sees only the environment it is given. */
class ToolTest {
    static final Path HERE = Path.of(".");

    @Test
    void aMissingToolFailsSayingWhatToInstall() {
        Tool missing = new Tool("caracal-no-such-tool", "the Caracal No Such Tool package");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> missing.run(HERE, Map.of(), "--version"));
        assertTrue(e.getMessage().startsWith("caracal-no-such-tool is not on the PATH: install the Caracal No Such Tool package"), e.getMessage());
    }

    @Test
    void aRunSeesPathHomeAndItsOwnVariablesOnly() {
        Tool.Run run = new Tool("env", "coreutils").run(HERE, Map.of("DB_PASSWORD", "given"));
        assertTrue(run.succeeded(), run.output());
        Set<String> names = run.output().lines().map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
        assertTrue(Set.of("PATH", "HOME", "DB_PASSWORD").containsAll(names), "the caller's environment leaked: " + names);
        assertTrue(run.output().lines().toList().contains("DB_PASSWORD=given"), run.output());
    }

    @Test
    void theExitCodeAndOutputAreThoseOfTheRun() {
        Tool.Run failed = new Tool("sh", "a POSIX shell").run(HERE, Map.of(), "-c", "echo out; echo err >&2; exit 3");
        assertFalse(failed.succeeded());
        assertEquals(3, failed.exitCode());
        assertEquals(List.of("out", "err"), failed.output().lines().toList());
    }
}
