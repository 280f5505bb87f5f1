package io.caracal.core.spend;

import io.caracal.core.store.RedisKeys;
import io.caracal.core.store.RedisScript;
import io.caracal.core.money.Nanos;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.event.MeteringEvent;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-agent spend and call counts in Redis, by UTC hour and day and per currency, for dashboards and alerts (the
 * budget engine keeps its own counters). Each event id is counted once per day bucket, so redelivery and replay
 * change nothing; amounts are whole nano-units, never floating point. Keys share the agent's hash tag, so the
 * script stays in one slot on a Redis cluster: {@code caracal:spend:{<agent>}:<currency>:d:<yyyyMMdd>},
 * {@code ...:h:<yyyyMMddHH>} and the day's counted event ids {@code caracal:spend:{<agent>}:seen:<yyyyMMdd>}.
 *
 * <p>Counted ids are kept only while a day's hourly buckets are (the hour retention after the day ends), not for
 * the daily buckets' retention of months: they are one entry per event, and would grow with all traffic for that
 * long. An event older than that is taken as counted (a redelivery or a replay of a day already aggregated) and
 * skipped; a restore, which starts from nothing, {@link #reaggregate counts every retained day}.
 */
public final class SpendAggregates {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    private static final RedisScript ADD = RedisScript.of("/spend/add.lua");

    private final RedisClusterCommands<String, String> redis;
    private final Duration dayRetention;
    private final Duration hourRetention;
    private final Clock clock;

    public SpendAggregates(RedisClusterCommands<String, String> redis, Duration dayRetention, Duration hourRetention, Clock clock) {
        this.redis = redis;
        this.dayRetention = dayRetention;
        this.hourRetention = hourRetention;
        this.clock = clock;
    }

    /** Adds each event not counted before; returns the events that were new. */
    public List<MeteringEvent> add(List<MeteringEvent> events) {
        return count(events, false);
    }

    /**
     * After {@link #clear()}: adds each event, those too old for {@link #add} too, so every retained day comes back
     * whole; returns the events added.
     */
    public List<MeteringEvent> reaggregate(List<MeteringEvent> events) {
        return count(events, true);
    }

    private List<MeteringEvent> count(List<MeteringEvent> events, boolean pastDeduplication) {
        List<MeteringEvent> added = new ArrayList<>();
        Instant now = clock.instant();
        try {
            for (MeteringEvent event : events) {
                Instant dayEnd = event.occurredAt().atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                long keepIds = Math.max(0, Duration.between(now, dayEnd.plus(hourRetention)).toSeconds());
                if (keepIds == 0 && !pastDeduplication) {
                    continue; // its day's ids are gone: counted long ago, or arriving too late to count
                }
                String agent = "caracal:spend:{" + event.agentId() + "}:";
                String bucket = agent + event.cost().currency().code() + ":";
                Long result = ADD.run(redis, ScriptOutputType.INTEGER,
                        new String[]{agent + "seen:" + DAY.format(event.occurredAt()), bucket + "d:" + DAY.format(event.occurredAt()),
                                bucket + "h:" + HOUR.format(event.occurredAt())},
                        new String[]{event.eventId().toString(), Nanos.of(event.cost().amount()), Long.toString(keepIds),
                                Long.toString(dayRetention.toSeconds()), Long.toString(hourRetention.toSeconds())});
                if (result == 1L) {
                    added.add(event);
                }
            }
        } catch (RedisException e) {
            throw new StorageUnavailableException("metrics store (Redis) unavailable: " + e.getMessage(), e);
        }
        return added;
    }

    /** Removes every agent's buckets and counted event ids, so a rebuild starts from nothing; returns how many keys went. */
    public long clear() {
        return RedisKeys.unlink(redis, "caracal:spend:*");
    }

    /** An agent's spend and count in one currency over whole UTC days, from the daily buckets. */
    public Totals daily(UUID agentId, String currency, LocalDate from, LocalDate toInclusive) {
        BigDecimal amount = BigDecimal.ZERO.setScale(9);
        long count = 0;
        for (LocalDate day = from; !day.isAfter(toInclusive); day = day.plusDays(1)) {
            Map<String, String> bucket = redis.hgetall("caracal:spend:{" + agentId + "}:" + currency + ":d:"
                    + DAY.format(day.atStartOfDay(ZoneOffset.UTC)));
            if (!bucket.isEmpty()) {
                amount = amount.add(Nanos.toAmount(bucket.get("nanos")));
                count += Long.parseLong(bucket.get("count"));
            }
        }
        return new Totals(count, amount);
    }

    public record Totals(long count, BigDecimal amount) {
    }
}
