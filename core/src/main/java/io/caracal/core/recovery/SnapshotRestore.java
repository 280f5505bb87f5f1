package io.caracal.core.recovery;

import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.ledger.SnapshotStore;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.core.spend.SpendAggregates;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Restores the derived state from a snapshot. First the ledger is checked against it: the snapshot's checkpoint
 * (signature with the registered keys, root recomputed from the ledger as it is now) and the per-agent totals of
 * the events it covers; any difference refuses the restore before Redis is touched. Then Redis is rebuilt from the
 * ledger, the source of truth: every budget counter is dropped (the budget engine reloads each from PostgreSQL on
 * its next check) and the spend buckets are re-aggregated from the ledger events of the retained days.
 */
public final class SnapshotRestore {
    private static final int PAGE = 1000;
    private static final int SHOWN = 5;

    private final SnapshotStore snapshots;
    private final LedgerVerifier verifier;
    private final LedgerStore ledger;
    private final SpendAggregates aggregates;
    private final RedisBudgetCounters counters;
    private final Duration dayRetention;
    private final Clock clock;

    public SnapshotRestore(SnapshotStore snapshots, LedgerVerifier verifier, LedgerStore ledger, SpendAggregates aggregates,
                           RedisBudgetCounters counters, Duration dayRetention, Clock clock) {
        this.snapshots = snapshots;
        this.verifier = verifier;
        this.ledger = ledger;
        this.aggregates = aggregates;
        this.counters = counters;
        this.dayRetention = dayRetention;
        this.clock = clock;
    }

    public record Result(LedgerSnapshot snapshot, long eventsVerified, int agentsRestored, long eventsReaggregated, long budgetKeysReset) {
    }

    public Result restore(LedgerSnapshot snapshot) {
        long verified = verify(snapshot);
        long reset = counters.reset();
        aggregates.clear();
        Set<UUID> agents = new HashSet<>();
        long[] added = {0};
        ledger.forEachSince(clock.instant().minus(dayRetention), PAGE, page -> {
            List<MeteringEvent> fresh = aggregates.reaggregate(page);
            fresh.forEach(e -> agents.add(e.agentId()));
            added[0] += fresh.size();
        });
        return new Result(snapshot, verified, agents.size(), added[0], reset);
    }

    /** Returns how many events were re-hashed; throws, naming what differs, unless the ledger still is what the snapshot recorded. */
    private long verify(LedgerSnapshot snapshot) {
        LedgerVerifier.Report report = verifier.verifyBatch(snapshot.batchId()).orElseThrow(() ->
                new NotFoundException("checkpoint batch of snapshot " + snapshot.id(), snapshot.batchId()));
        List<String> problems = new ArrayList<>();
        for (LedgerVerifier.CheckpointResult result : report.checkpoints()) {
            // A root that no longer matches is among the report's problems; a bad signature is not.
            if (!result.signature().equals("Valid")) {
                problems.add("checkpoint " + result.checkpoint().batchId() + " signature " + result.signature());
            }
            if (result.checkpoint().treeSize() != snapshot.treeSize() || !MessageDigest.isEqual(result.checkpoint().root(), snapshot.root())
                    || !result.checkpoint().note().equals(snapshot.signedNote())) {
                problems.add("the snapshot's copy of checkpoint " + snapshot.batchId() + " differs from the stored checkpoint");
            }
        }
        for (LedgerVerifier.Problem p : report.problems()) {
            problems.add((p.eventId() == null ? "" : "event " + p.eventId() + (p.leafIndex() == null ? "" : " (leaf " + p.leafIndex() + ")") + " ")
                    + p.what());
        }
        problems.addAll(LedgerSnapshot.differences(snapshots.totals(snapshot.id()), snapshots.ledgerTotals(snapshot.treeSize())));
        if (!problems.isEmpty()) {
            throw new ConflictException("the ledger does not match snapshot " + snapshot.id() + ", Redis left unchanged: "
                    + String.join("; ", problems.subList(0, Math.min(SHOWN, problems.size())))
                    + (problems.size() > SHOWN ? "; and " + (problems.size() - SHOWN) + " more" : ""));
        }
        return report.eventsChecked();
    }
}
