package io.caracal.core.spend;

import io.caracal.core.event.MeteringEvent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.store.SharedRedis;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counted event ids are kept while a redelivery can still come, not for the months the daily buckets are kept. */
class SpendAggregatesTest {
    private static final Instant AT = Instant.parse("2030-03-10T10:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2030-03-10");
    private static final Duration DAYS_KEPT = Duration.ofDays(400);
    private static final Duration HOURS_KEPT = Duration.ofDays(8);

    private static MeteringEvent event(UUID agent, String amount) {
        return new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal(amount), new CurrencyCode("USD")), AT, null,
                Map.of(), Map.of());
    }

    @Test
    void countedIdsLastAsLongAsTheHourlyBucketsThenOlderEventsCountAsCounted() {
        MutableClock clock = new MutableClock(AT.plus(Duration.ofHours(1)));
        try (SharedRedis redis = SharedRedis.connect(SharedServices.redis().uri(), false)) {
            SpendAggregates aggregates = new SpendAggregates(redis.sync(), DAYS_KEPT, HOURS_KEPT, clock);
            UUID agent = UUID.randomUUID();
            MeteringEvent first = event(agent, "1.5");
            assertEquals(List.of(first), aggregates.add(List.of(first)));
            assertEquals(List.of(), aggregates.add(List.of(first)), "redelivered: counted once");

            String seen = "caracal:spend:{" + agent + "}:seen:20300310";
            long untilTheDayEndsPlusTheHours = Duration.between(clock.instant(), Instant.parse("2030-03-11T00:00:00Z").plus(HOURS_KEPT)).toSeconds();
            long ttl = redis.sync().ttl(seen);
            assertTrue(ttl > untilTheDayEndsPlusTheHours - 60 && ttl <= untilTheDayEndsPlusTheHours, "ids kept " + ttl + " s");
            assertTrue(redis.sync().ttl("caracal:spend:{" + agent + "}:USD:d:20300310") > DAYS_KEPT.minusDays(1).toSeconds(), "days kept longer");

            // Once the day's ids are gone, a replayed event of that day, or a first delivery that late, is not counted.
            clock.set(Instant.parse("2030-03-19T00:00:01Z"));
            assertEquals(List.of(), aggregates.add(List.of(first, event(agent, "2"))));
            assertEquals(new SpendAggregates.Totals(1, new BigDecimal("1.500000000")), aggregates.daily(agent, "USD", DAY, DAY));

            // A restore, which starts from cleared keys, counts such a day all the same, without keeping its ids.
            UUID restored = UUID.randomUUID();
            MeteringEvent old = event(restored, "3");
            assertEquals(List.of(old), aggregates.reaggregate(List.of(old)));
            assertEquals(new SpendAggregates.Totals(1, new BigDecimal("3.000000000")), aggregates.daily(restored, "USD", DAY, DAY));
            assertEquals(0L, redis.sync().exists("caracal:spend:{" + restored + "}:seen:20300310"));
        }
    }
}
