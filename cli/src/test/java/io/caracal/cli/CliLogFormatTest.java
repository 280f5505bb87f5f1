package io.caracal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.testing.LogConfiguration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's logback.xml (caracal dev's too): its stdout is its output, so log lines go to stderr, as text, warnings
 * and errors only — even where LOG_LEVEL is set for the functions beside it, as in the compose file's CLI container.
 */
class CliLogFormatTest {
    private static final Consumer<Logger> LOGGING = log -> {
        log.info("started");
        log.warn("the budget store is unreachable");
    };

    private static LogConfiguration.Output run(Map<String, String> environment) {
        return LogConfiguration.run(Caracal.class.getResource("/logback.xml"), environment, LOGGING);
    }

    @Test
    void warningsGoToStderrAsTextWhateverLogLevelSays() {
        LogConfiguration.Output output = run(Map.of("LOG_LEVEL", "INFO"));
        assertEquals(List.of(), output.stdout());
        assertEquals(1, output.stderr().size(), output.stderr().toString());
        assertTrue(output.stderr().get(0).endsWith(" WARN  io.caracal.Example - the budget store is unreachable"), output.stderr().get(0));
    }

    @Test
    void logFormatJsonMakesThemJsonNamedCli() throws Exception {
        LogConfiguration.Output output = run(Map.of("LOG_FORMAT", "json"));
        assertEquals(List.of(), output.stdout());
        assertEquals(1, output.stderr().size(), output.stderr().toString());
        assertEquals("cli", new ObjectMapper().readTree(output.stderr().get(0)).get("component").asText());
    }
}
