package io.caracal.core.budget;

import io.caracal.core.store.RedisKeys;
import io.caracal.core.store.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Budget figures in Redis, changed only by Lua scripts so that every check-and-hold and every settlement is
 * one atomic step across all replicas (dropping ready markers, one command, is the only other change). Keys,
 * per budget ({@code <budget>} is its counter key: policy id and window definition): {@code cb:p:<budget>:ready}
 * (present once loaded, for five minutes),
 * {@code :held} (total held), {@code :holds} (hold → expiry), {@code :ha} (hold → amount), {@code :closed}
 * (recently closed holds) and {@code :s:<bucket>} (settled spend). Run Redis with
 * {@code maxmemory-policy noeviction}: an evicted counter would read as zero.
 */
public final class RedisBudgetCounters implements BudgetCounters {
    private final RedisCommands<String, String> redis;
    private final RedisScript holdScript = RedisScript.of("/budget/common.lua", "/budget/hold.lua");
    private final RedisScript closeScript = RedisScript.of("/budget/common.lua", "/budget/close.lua");
    private final RedisScript loadScript = RedisScript.of("/budget/common.lua", "/budget/load.lua");

    public RedisBudgetCounters(StatefulRedisConnection<String, String> connection) {
        this.redis = connection.sync();
    }

    /**
     * Drops every budget's figures, as a Redis flush would: the engine reloads each budget from PostgreSQL on its next
     * check, open holds included. Returns how many keys were removed.
     */
    public long reset() {
        return RedisKeys.unlink(redis, "cb:p:*");
    }

    @Override
    public Outcome hold(boolean place, boolean estimated, UUID holdId, Instant now, Instant expiresAt, List<HoldLine> lines) {
        List<String> args = new ArrayList<>(List.of(place ? "hold" : "check", estimated ? "1" : "0", holdId.toString(),
                Long.toString(now.toEpochMilli()), Long.toString(expiresAt.toEpochMilli()), Integer.toString(lines.size())));
        for (HoldLine line : lines) {
            args.add(line.budgetKey());
            args.add(line.limitNanos());
            args.add(line.amountNanos());
            args.add(Integer.toString(line.bucketIds().size()));
            args.addAll(line.bucketIds());
        }
        return outcome(run(holdScript, args));
    }

    @Override
    public Outcome close(boolean settle, UUID holdId, Instant now, List<CloseLine> lines) {
        List<String> args = new ArrayList<>(List.of(settle ? "settle" : "void", holdId.toString(),
                Long.toString(now.toEpochMilli()), Long.toString(CLOSED_RETENTION.toMillis()), Integer.toString(lines.size())));
        for (CloseLine line : lines) {
            args.add(line.budgetKey());
            args.add(line.amountNanos());
            args.add(line.bucketId());
            args.add(Long.toString(Math.max(1, line.keep().toSeconds())));
        }
        return outcome(run(closeScript, args));
    }

    @Override
    public void load(String budgetKey, RebuildState state) {
        List<String> args = new ArrayList<>(List.of(budgetKey, Long.toString(READY_TTL.toSeconds()), Integer.toString(state.buckets().size())));
        for (BucketSpend bucket : state.buckets()) {
            args.add(bucket.bucketId());
            args.add(bucket.nanos());
            args.add(Long.toString(Math.max(1, bucket.keep().toSeconds())));
        }
        args.add(Integer.toString(state.openHolds().size()));
        for (OpenHold hold : state.openHolds()) {
            args.add(hold.holdId().toString());
            args.add(hold.nanos());
            args.add(Long.toString(hold.expiresAt().toEpochMilli()));
        }
        args.add(Integer.toString(state.closedHolds().size()));
        for (ClosedHold hold : state.closedHolds()) {
            args.add(hold.holdId().toString());
            args.add(Long.toString(hold.closedAt().toEpochMilli()));
        }
        run(loadScript, args);
    }

    @Override
    public void invalidate(Collection<String> budgetKeys) {
        reach(() -> redis.del(budgetKeys.stream().map(key -> "cb:p:" + key + ":ready").toArray(String[]::new)));
    }

    private static Outcome outcome(Object reply) {
        @SuppressWarnings("unchecked")
        List<Object> items = (List<Object>) reply;
        Status status = Status.valueOf((String) items.get(0));
        return switch (status) {
            case NOT_READY -> new Outcome(status, 0, List.of(),
                    items.subList(1, items.size()).stream().map(o -> (String) o).toList());
            case OK, DENIED -> {
                List<String[]> figures = new ArrayList<>();
                for (int i = 2; i + 1 < items.size(); i += 2) {
                    figures.add(new String[] {(String) items.get(i), (String) items.get(i + 1)});
                }
                yield new Outcome(status, status == Status.DENIED ? Integer.parseInt((String) items.get(1)) : 0, figures, List.of());
            }
        };
    }

    private Object run(RedisScript script, List<String> args) {
        return reach(() -> script.run(redis, ScriptOutputType.MULTI, new String[0], args.toArray(String[]::new)));
    }

    private static <T> T reach(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new BudgetStoreUnavailableException("budget store (Redis) unavailable: " + e.getMessage(), e);
        }
    }
}
