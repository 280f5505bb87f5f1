package io.caracal.core.budget;

import io.caracal.core.store.RedisKeys;
import io.caracal.core.store.RedisScript;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Budget figures in Redis, changed only by Lua scripts so that every check-and-hold and every settlement is
 * one atomic step across all replicas (dropping ready markers, one command, is the only other change). Keys,
 * per budget ({@code <budget>} is its {@link Buckets#counterKey counter key}, {@code {<root>}:<policy>:<window>}):
 * {@code cb:p:<budget>:ready} (present once loaded, for five minutes), {@code :held} (total held), {@code :holds}
 * (hold → expiry), {@code :ha} (hold → amount), {@code :closed} (recently closed holds) and {@code :s:<bucket>}
 * (settled spend). The {@code {<root>}} hash tag puts every budget of one delegation tree in one Redis Cluster slot,
 * and every script gets all its keys in KEYS, so a cluster client sends it to that slot's shard. Run Redis with
 * {@code maxmemory-policy noeviction}: an evicted counter would read as zero.
 */
public final class RedisBudgetCounters implements BudgetCounters {
    private static final String PREFIX = "cb:p:";
    /** How long a budget's state keys outlive their last write: longer than a ready marker lives, see common.lua. */
    static final Duration STATE_TTL = READY_TTL.plusMinutes(1);
    /** Longer than a snapshot read takes; a claim left by a replica that died mid-rebuild lapses by itself. */
    private static final Duration REBUILD_CLAIM = Duration.ofSeconds(2);
    private static final Duration REBUILD_POLL = Duration.ofMillis(2);

    private final RedisClusterCommands<String, String> redis;
    private final RedisScript holdScript = RedisScript.of("/budget/common.lua", "/budget/hold.lua");
    private final RedisScript closeScript = RedisScript.of("/budget/common.lua", "/budget/close.lua");
    private final RedisScript loadScript = RedisScript.of("/budget/common.lua", "/budget/load.lua");

    /** On one Redis or on a Redis Cluster: both clients' sync commands are {@link RedisClusterCommands}. */
    public RedisBudgetCounters(RedisClusterCommands<String, String> redis) {
        this.redis = redis;
    }

    /**
     * Drops every budget's figures, as a Redis flush would: the engine reloads each budget from PostgreSQL on its next
     * check, open holds included. Returns how many keys were removed.
     */
    public long reset() {
        return RedisKeys.unlink(redis, PREFIX + "*");
    }

    @Override
    public Outcome hold(boolean place, boolean estimated, UUID holdId, Instant now, Instant expiresAt, List<HoldLine> lines) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(place ? "hold" : "check", estimated ? "1" : "0", holdId.toString(),
                Long.toString(now.toEpochMilli()), Long.toString(expiresAt.toEpochMilli()), seconds(STATE_TTL), Integer.toString(lines.size())));
        for (HoldLine line : lines) {
            addStateKeys(keys, line.budgetKey());
            line.bucketIds().forEach(bucket -> keys.add(bucketKey(line.budgetKey(), bucket)));
            args.add(line.limitNanos());
            args.add(line.amountNanos());
            args.add(Integer.toString(line.bucketIds().size()));
        }
        return outcome(run(holdScript, keys, args), lines.stream().map(HoldLine::budgetKey).toList());
    }

    @Override
    public Outcome close(boolean settle, UUID holdId, Instant now, List<CloseLine> lines) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of(settle ? "settle" : "void", holdId.toString(), Long.toString(now.toEpochMilli()),
                Long.toString(CLOSED_RETENTION.toMillis()), seconds(STATE_TTL), Integer.toString(lines.size())));
        for (CloseLine line : lines) {
            addStateKeys(keys, line.budgetKey());
            keys.add(bucketKey(line.budgetKey(), line.bucketId()));
            args.add(line.amountNanos());
            args.add(Long.toString(Math.max(1, line.keep().toSeconds())));
        }
        return outcome(run(closeScript, keys, args), lines.stream().map(CloseLine::budgetKey).toList());
    }

    @Override
    public void load(String budgetKey, Supplier<RebuildState> snapshot) {
        // Claimed before the snapshot is read, so a FLUSHALL in between voids the claim and the load. Only one
        // replica holds the claim: the others wait for its load rather than race it with snapshots of their own.
        String rebuilding = PREFIX + budgetKey + ":rebuilding";
        String claim = UUID.randomUUID().toString();
        if (!"OK".equals(reach(() -> redis.set(rebuilding, claim, SetArgs.Builder.nx().ex(REBUILD_CLAIM))))) {
            awaitOtherRebuild(budgetKey, rebuilding);
            return;
        }
        RebuildState state = snapshot.get();
        List<String> keys = new ArrayList<>();
        addStateKeys(keys, budgetKey);
        List<String> args = new ArrayList<>(List.of(seconds(READY_TTL), seconds(STATE_TTL), Integer.toString(state.buckets().size())));
        for (BucketSpend bucket : state.buckets()) {
            keys.add(bucketKey(budgetKey, bucket.bucketId()));
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
        keys.add(rebuilding);
        args.add(claim);
        run(loadScript, keys, args);
    }

    @Override
    public void invalidate(Collection<String> budgetKeys) {
        // Several trees' markers may be in several slots: a cluster client splits the DEL by slot.
        reach(() -> redis.del(budgetKeys.stream().map(key -> PREFIX + key + ":ready").toArray(String[]::new)));
    }

    /**
     * Until the replica holding the claim has loaded the budget, or its claim is gone (it failed, or Redis was
     * flushed), at most {@link #REBUILD_CLAIM}; the caller then tries its step again either way.
     */
    private void awaitOtherRebuild(String budgetKey, String rebuilding) {
        String ready = PREFIX + budgetKey + ":ready";
        long deadline = System.nanoTime() + REBUILD_CLAIM.toNanos();
        while (System.nanoTime() < deadline && reach(() -> redis.exists(ready)) == 0 && reach(() -> redis.exists(rebuilding)) == 1) {
            LockSupport.parkNanos(REBUILD_POLL.toNanos());
        }
    }

    /** A budget's state keys, in the order common.lua's budget_at reads them. */
    private static void addStateKeys(List<String> keys, String budgetKey) {
        String budget = PREFIX + budgetKey;
        keys.addAll(List.of(budget + ":ready", budget + ":held", budget + ":holds", budget + ":ha", budget + ":closed"));
    }

    private static String bucketKey(String budgetKey, String bucketId) {
        return PREFIX + budgetKey + ":s:" + bucketId;
    }

    private static String seconds(Duration duration) {
        return Long.toString(duration.toSeconds());
    }

    /** The script's reply; {@code budgetKeys} name the budgets it reports by their 1-based index. */
    private static Outcome outcome(Object reply, List<String> budgetKeys) {
        @SuppressWarnings("unchecked")
        List<Object> items = (List<Object>) reply;
        Status status = Status.valueOf((String) items.get(0));
        return switch (status) {
            case NOT_READY -> new Outcome(status, 0, List.of(),
                    items.subList(1, items.size()).stream().map(index -> budgetKeys.get(Integer.parseInt((String) index) - 1)).toList());
            case OK, DENIED -> {
                List<String[]> figures = new ArrayList<>();
                for (int i = 2; i + 1 < items.size(); i += 2) {
                    figures.add(new String[] {(String) items.get(i), (String) items.get(i + 1)});
                }
                yield new Outcome(status, status == Status.DENIED ? Integer.parseInt((String) items.get(1)) : 0, figures, List.of());
            }
        };
    }

    private Object run(RedisScript script, List<String> keys, List<String> args) {
        return reach(() -> script.run(redis, ScriptOutputType.MULTI, keys.toArray(String[]::new), args.toArray(String[]::new)));
    }

    private static <T> T reach(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw new BudgetStoreUnavailableException("budget store (Redis) unavailable: " + e.getMessage(), e);
        }
    }
}
