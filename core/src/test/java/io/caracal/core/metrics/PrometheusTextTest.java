package io.caracal.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A counter named ...created keeps its literal name on /metrics, where the Prometheus client alone would drop "_created". */
class PrometheusTextTest {
    @Test
    void aCreatedCounterIsServedUnderItsLiteralNameToo() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("caracal.merkle.batches.created").description("Merkle checkpoints signed").register(registry).increment(2);
        Counter.builder("caracal.dlq.letters.created").tag("group", "a\"b").register(registry).increment();
        Counter.builder("caracal.requests").register(registry).increment();
        assertFalse(registry.scrape().contains("caracal_merkle_batches_created_total"), "the client strips _created: this class is needed");

        String text = PrometheusText.scrape(registry);
        assertTrue(text.contains("# TYPE caracal_merkle_batches_created_total counter\ncaracal_merkle_batches_created_total 2.0\n"), text);
        assertTrue(text.contains("caracal_dlq_letters_created_total{group=\"a\\\"b\"} 1.0\n"), text);
        assertTrue(text.contains("caracal_merkle_batches_total 2.0"), "the client's own name stays: " + text);
        assertFalse(text.contains("caracal_requests_created"), text);
    }
}
