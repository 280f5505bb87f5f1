package io.caracal.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.store.RedisConnections;
import io.caracal.core.spend.SpendAggregates;
import io.caracal.embedded.SharedServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics consumer on real Redis: exact buckets per agent and day, unchanged by redelivery, and the seeds' Prometheus names. */
class SpendAggregatorTest {
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> redis;

    @BeforeAll
    static void connect() {
        client = RedisConnections.client(SharedServices.redis().uri());
        redis = client.connect();
    }

    @AfterAll
    static void close() {
        redis.close();
        client.shutdown();
    }

    /** A metering event as the consumers receive it from Kafka. */
    static ConsumedRecord record(MeteringEvent event, long offset) {
        OutboxEvent outbox = event.outboxEvent();
        return new ConsumedRecord(outbox.topic(), 0, offset, outbox.key(), outbox.payload(),
                Map.of("schema_fingerprint", outbox.schemaFingerprint().getBytes()), 0);
    }

    @Test
    void countsEachEventOnceExactlyAndExportsTheSeedsMetrics() {
        Instant day = Instant.parse("2026-11-22T10:15:00Z");
        SpendAggregates aggregates = new SpendAggregates(redis.sync(), Duration.ofDays(2), Duration.ofDays(1),
                Clock.fixed(day.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SpendMetrics metrics = new SpendMetrics(registry, 100);
        SpendAggregator aggregator = new SpendAggregator(aggregates, metrics::counted);
        UUID agent = UUID.randomUUID();
        List<ConsumedRecord> records = List.of(
                record(new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal("0.000000001"), new CurrencyCode("USD")), day,
                        null, Map.of(), Map.of()), 1),
                record(new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal("2.5"), new CurrencyCode("USD")), day.plusSeconds(3600),
                        null, Map.of(), Map.of()), 2),
                record(new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal("7"), new CurrencyCode("EUR")), day, null, Map.of(),
                        Map.of()), 3));

        assertTrue(aggregator.process(records).isEmpty());
        assertTrue(aggregator.process(records).isEmpty(), "redelivered: nothing is counted twice");

        LocalDate d = LocalDate.parse("2026-11-22");
        SpendAggregates.Totals usd = aggregates.daily(agent, "USD", d, d);
        assertEquals(2, usd.count());
        assertEquals(0, new BigDecimal("2.500000001").compareTo(usd.amount()));
        assertEquals(1, aggregates.daily(agent, "EUR", d, d).count());
        String scrape = registry.scrape();
        assertTrue(scrape.contains("caracal_spending_total{agent_id=\"" + agent + "\",currency=\"USD\"} 2.500000001"), scrape);
        assertTrue(scrape.contains("caracal_metering_events_processed_total{agent_id=\"" + agent + "\"} 3.0"), scrape);
    }
}
