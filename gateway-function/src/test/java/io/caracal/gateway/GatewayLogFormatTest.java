package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.testing.LogConfiguration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's logback.xml (the functions' are the same but for their name): JSON by default, text or quieter when asked. */
class GatewayLogFormatTest {
    private static final Consumer<Logger> LOGGING = log -> {
        log.debug("not at INFO");
        log.atInfo().addKeyValue("duration_ms", 45).log("request processed");
        log.warn("refused");
    };

    private static LogConfiguration.Output run(Map<String, String> environment) {
        return LogConfiguration.run(GatewayApplication.class.getResource("/logback.xml"), environment, LOGGING);
    }

    @Test
    void byDefaultEachEventIsOneJsonLineOnStdoutNamedGateway() throws Exception {
        LogConfiguration.Output output = run(Map.of());
        assertEquals(List.of(), output.stderr());
        assertEquals(2, output.stdout().size(), output.stdout().toString());
        JsonNode line = new ObjectMapper().readTree(output.stdout().get(0));
        assertEquals("request processed", line.get("message").asText());
        assertEquals("INFO", line.get("level").asText());
        assertEquals("gateway", line.get("component").asText());
        assertEquals(45, line.get("duration_ms").asInt());
        assertTrue(line.get("timestamp").asText().endsWith("Z"), line.toString());
    }

    @Test
    void logFormatTextGivesPlainLinesAndLogLevelDropsWhatIsBelowIt() {
        List<String> text = run(Map.of("LOG_FORMAT", "text")).stdout();
        assertEquals(2, text.size(), text.toString());
        assertTrue(text.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  io\\.caracal\\.Example - request processed duration_ms=\"45\""), text.get(0));

        assertEquals(1, run(Map.of("LOG_LEVEL", "WARN")).stdout().size());
        assertEquals(3, run(Map.of("LOG_LEVEL", "DEBUG")).stdout().size());
    }
}
