package io.caracal.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.testing.EmfOutput;
import io.caracal.testing.MutableClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EMF documents of a registry the way the Lambda handlers publish them, read back as CloudWatch would. */
class EmfPublisherTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T11:00:00Z"));
    private final EmfPublisher publisher = new EmfPublisher(registry, clock);

    @Test
    void countersAreDeltasUnderThePrometheusNamesWithAgentIdsSummedAway() throws Exception {
        Counter.builder("caracal.spending").tags("agent_id", "a1", "currency", "USD").register(registry).increment(2);
        Counter.builder("caracal.spending").tags("agent_id", "a2", "currency", "USD").register(registry).increment(3);
        Counter.builder("caracal.spending").tags("agent_id", "a2", "currency", "EUR").register(registry).increment(7);
        Counter.builder("caracal.merkle.batches.created").register(registry).increment();
        Counter.builder("jvm.not.caracal").register(registry).increment();

        EmfOutput first = EmfOutput.of(() -> publisher.publish("metrics"));
        assertEquals(5, first.value("caracal_spending_total", Map.of("function", "metrics", "currency", "USD")));
        assertEquals(7, first.value("caracal_spending_total", Map.of("function", "metrics", "currency", "EUR")));
        assertEquals(1, first.value("caracal_merkle_batches_created_total", Map.of("function", "metrics")));
        assertTrue(first.documents().stream().noneMatch(document -> document.has("agent_id")), "agent ids are no dimension");
        assertFalse(first.metrics().contains("jvm_not_caracal_total"), "only Caracal's meters are published");
        first.documents().forEach(document -> {
            assertEquals(clock.millis(), document.get("_aws").get("Timestamp").asLong());
            assertEquals("Caracal", document.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
        });

        clock.advance(Duration.ofMinutes(1));
        Counter.builder("caracal.spending").tags("agent_id", "a3", "currency", "USD").register(registry).increment(4);
        EmfOutput second = EmfOutput.of(() -> publisher.publish("metrics"));
        assertEquals(4, second.value("caracal_spending_total", Map.of("function", "metrics", "currency", "USD")), "only what changed since the first");
        assertEquals(List.of(Map.of("function", "metrics", "currency", "USD")), second.dimensionsOf("caracal_spending_total"),
                "the EUR series did not change: not written");
        assertFalse(second.metrics().contains("caracal_merkle_batches_created_total"));
        assertEquals(clock.millis(), second.documents().get(0).get("_aws").get("Timestamp").asLong());
    }

    @Test
    void timersAndSummariesAreCountAndSumAndGaugesTheirValue() throws Exception {
        Timer timer = Timer.builder("caracal.request.duration").tag("method", "POST").publishPercentileHistogram().register(registry);
        timer.record(Duration.ofMillis(250));
        timer.record(Duration.ofMillis(750));
        DistributionSummary.builder("caracal.merkle.batch.size").register(registry).record(40);
        AtomicInteger open = new AtomicInteger(3);
        Gauge.builder("caracal.gateway.connections.open", open, AtomicInteger::get).register(registry);

        EmfOutput first = EmfOutput.of(() -> publisher.publish("metrics"));
        Map<String, String> post = Map.of("function", "metrics", "method", "POST");
        assertEquals(2, first.value("caracal_request_duration_seconds_count", post));
        assertEquals(1.0, first.value("caracal_request_duration_seconds_sum", post), 1e-9);
        assertEquals(1, first.value("caracal_merkle_batch_size_count", Map.of("function", "metrics")));
        assertEquals(40, first.value("caracal_merkle_batch_size_sum", Map.of("function", "metrics")));
        assertEquals(3, first.value("caracal_gateway_connections_open", Map.of("function", "metrics")));
        JsonNode timerDocument = first.documents().stream().filter(document -> document.has("caracal_request_duration_seconds_sum")).findFirst().orElseThrow();
        assertTrue(timerDocument.get("_aws").toString().contains("{\"Name\":\"caracal_request_duration_seconds_sum\",\"Unit\":\"Seconds\"}"),
                timerDocument.toString());

        timer.record(Duration.ofMillis(500));
        open.set(5);
        EmfOutput second = EmfOutput.of(() -> publisher.publish("metrics"));
        assertEquals(1, second.value("caracal_request_duration_seconds_count", post));
        assertEquals(0.5, second.value("caracal_request_duration_seconds_sum", post), 1e-9);
        assertFalse(second.metrics().contains("caracal_merkle_batch_size_count"));
        assertEquals(5, second.value("caracal_gateway_connections_open", Map.of("function", "metrics")), "a gauge is written every time");
    }

    @Test
    void moreThanAHundredMetricsOfOneDimensionSetAreSplitIntoDocumentsOfAHundred() throws Exception {
        IntStream.range(0, 150).forEach(i -> Counter.builder("caracal.test.counter" + i).register(registry).increment(i + 1));
        EmfOutput output = EmfOutput.of(() -> publisher.publish("metrics"));
        assertEquals(List.of(100, 50), output.documents().stream().map(document -> document.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").size()).toList());
        assertEquals(150, output.metrics().size());
        assertEquals(150, output.value("caracal_test_counter149_total", Map.of("function", "metrics")));
    }
}
