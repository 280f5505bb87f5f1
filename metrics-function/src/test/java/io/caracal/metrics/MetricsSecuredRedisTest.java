package io.caracal.metrics;

import io.caracal.core.event.MeteringEvent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.spend.SpendAggregates;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.store.SharedRedis;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.SecuredRedis;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics function's wiring (the services' Redis, the spend buckets on it) against a Redis that wants a
 * password and TLS, configured by a {@code rediss://} REDIS_URL naming an ACL user and the test CA in
 * REDIS_TLS_CA_FILE: the spend lands in that Redis, and no password in the log.
 */
class MetricsSecuredRedisTest {

    @Test
    void countsSpendIntoARedisBehindAPasswordAndTls() {
        try (SecuredRedis redis = SecuredRedis.start(); CapturedLog log = CapturedLog.start()) {
            Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties("metrics_secured_redis"));
            properties.put("caracal.redis.url", redis.tlsUrl());
            properties.put("caracal.redis.tls-ca-file", redis.caFile().toString());
            UUID agent = UUID.randomUUID();
            Instant at = Instant.now(); // the context's clock is the system's: an old event would be taken as counted long ago
            try (ApplicationContext context = ApplicationContext.builder().environments("services").properties(properties).start()) {
                SpendAggregator aggregator = new SpendAggregator(context.getBean(SpendAggregates.class), context.getBean(SpendMetrics.class)::counted);
                assertTrue(aggregator.process(List.of(SpendAggregatorTest.record(new MeteringEvent(UUID.randomUUID(), agent, null,
                        new Money(new BigDecimal("1.25"), new CurrencyCode("USD")), at, null, Map.of(), Map.of()), 1))).isEmpty());
            }
            // Read back as the default user on the plain port: the buckets are in this Redis.
            try (SharedRedis plain = SharedRedis.connect("redis://:" + redis.password() + "@" + redis.host() + ":" + redis.port(), false)) {
                LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
                SpendAggregates.Totals totals = new SpendAggregates(plain.sync(), Duration.ofDays(400), Duration.ofDays(8),
                        Clock.fixed(at, ZoneOffset.UTC)).daily(agent, "USD", day, day);
                assertEquals(1, totals.count());
                assertEquals(0, new BigDecimal("1.25").compareTo(totals.amount()));
            }
            log.assertNoneContains(redis.password(), redis.userPassword());
        }
    }
}
