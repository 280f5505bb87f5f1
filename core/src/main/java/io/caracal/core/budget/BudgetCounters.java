package io.caracal.core.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The fast, shared copy of every budget's figures: atomic across all gateway replicas, rebuilt from
 * PostgreSQL whenever it has lost a budget. Implementations fail with {@link BudgetStoreUnavailableException}
 * when they cannot be reached, and the engine then fails closed.
 */
public interface BudgetCounters {

    /**
     * One budget a hold applies to (by its {@link Buckets#counterKey counter key}): its limit, the amount to
     * hold, and the buckets that make up its window.
     */
    record HoldLine(String budgetKey, String limitNanos, String amountNanos, List<String> bucketIds) {
    }

    /** One budget a closed hold applies to: what it finally costs there and the bucket the charge lands in. */
    record CloseLine(String budgetKey, String amountNanos, String bucketId, Duration keep) {
    }

    enum Status { OK, DENIED, NOT_READY }

    /** Spent and held nano-units per line, in line order; {@code failingLine} is 1-based, 0 when none failed. */
    record Outcome(Status status, int failingLine, List<String[]> figures, List<String> notReady) {
    }

    /**
     * Checks every line and, when {@code place}, holds the amount on all of them or on none. With
     * {@code estimated}, a line passes when spent + held + amount ≤ limit; without an estimate, when
     * spent + held < limit (something must be left).
     */
    Outcome hold(boolean place, boolean estimated, UUID holdId, Instant now, Instant expiresAt, List<HoldLine> lines);

    /**
     * Releases the hold and, when {@code settle}, adds each line's amount to its bucket. Idempotent by hold id:
     * each budget remembers the holds it closed for {@link #CLOSED_RETENTION}.
     */
    Outcome close(boolean settle, UUID holdId, Instant now, List<CloseLine> lines);

    /**
     * Long enough to cover the gap between a settlement's commit in PostgreSQL and its close in Redis (milliseconds,
     * seconds in a bad pause) and a client's prompt retry; a repeated settle later than this leaves Redis alone, the
     * charge being in the ledger every rebuild reads. Short because each budget keeps one entry per closed hold: at
     * 1,000 calls a second, two minutes are 120,000 entries (about 13 MB) where an hour was 3.6 million (the soak
     * run saw Redis grow 10 MB a minute), and a rebuild loads them all.
     */
    Duration CLOSED_RETENTION = Duration.ofMinutes(2);

    /**
     * Replaces a budget's figures with PostgreSQL's, read by {@code snapshot}, unless another replica has already
     * rebuilt it or is rebuilding it (then this waits for that), or Redis lost the budget again while the snapshot
     * was being read: a snapshot older than what Redis counted since would drop holds placed meanwhile. Such a
     * load is skipped and the caller, still finding the budget missing, rebuilds again. The loaded state lives for {@link #READY_TTL};
     * then the budget is rebuilt again, so any drift between Redis and PostgreSQL (a settlement whose Redis step
     * failed, say) lasts at most that long.
     */
    void load(String budgetKey, Supplier<RebuildState> snapshot);

    Duration READY_TTL = Duration.ofMinutes(5);

    /** Makes the next step on each of these budgets, on any replica, rebuild it from PostgreSQL first. */
    void invalidate(Collection<String> budgetKeys);

    /** What PostgreSQL knows about one budget now: spend per bucket, open holds, recently closed holds. */
    record RebuildState(List<BucketSpend> buckets, List<OpenHold> openHolds, List<ClosedHold> closedHolds) {
    }

    record BucketSpend(String bucketId, String nanos, Duration keep) {
    }

    record OpenHold(UUID holdId, String nanos, Instant expiresAt) {
    }

    record ClosedHold(UUID holdId, Instant closedAt) {
    }
}
