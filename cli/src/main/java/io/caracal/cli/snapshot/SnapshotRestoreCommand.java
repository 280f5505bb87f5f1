package io.caracal.cli.snapshot;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.config.SpendRetention;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.recovery.SnapshotRestore;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.core.ledger.SnapshotStore;
import io.caracal.core.spend.SpendAggregates;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.UUID;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Check the ledger against a snapshot (its checkpoint's signature and root, and the per-agent totals) and, only if it"
                + " matches, rebuild Redis from the ledger: budget counters are dropped (reloaded from PostgreSQL on the next check) and the"
                + " spend buckets re-aggregated. Stop the metrics consumers first.")
final class SnapshotRestoreCommand extends SessionCommand {
    @Option(names = "--snapshot-id", required = true, paramLabel = "ID", description = "The snapshot to restore: " + Snapshots.FORMS + ".")
    String snapshotId;

    SnapshotRestoreCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RestoredView(String snapshotId, String batchId, long eventsVerified, int agentsRestored, long eventsReaggregated, long daysReaggregated,
                        long budgetCounterKeysReset, String nextStep) {
    }

    @Override
    protected void run() {
        SnapshotStore snapshots = session.bean(SnapshotStore.class);
        LedgerSnapshot snapshot = Snapshots.find(snapshots, snapshotId);
        UUID id = snapshot.id();
        if (!session.redisConfigured()) {
            throw new InvalidInputException("restore rebuilds the Redis the gateway and the metrics function use: set REDIS_URL or"
                    + " REDIS_HOST (and REDIS_PORT, REDIS_PASSWORD, REDIS_TLS as they do) or the config file's redis: section");
        }
        SpendRetention retention = session.bean(SpendRetention.class);
        SnapshotRestore restore = new SnapshotRestore(snapshots, new LedgerVerifier(session.bean(MerkleLogStore.class)), session.bean(LedgerStore.class),
                new SpendAggregates(session.redis().sync(), retention.getDayRetention(), retention.getHourRetention(), session.bean(Clock.class)),
                new RedisBudgetCounters(session.redis().sync()), retention.getDayRetention(), session.bean(Clock.class));
        SnapshotRestore.Result result = restore.restore(snapshot);
        RestoredView view = new RestoredView(id.toString(), snapshot.batchId().toString(), result.eventsVerified(), result.agentsRestored(),
                result.eventsReaggregated(), retention.getDayRetention().toDays(), result.budgetKeysReset(), "caracal replay start --from-snapshot " + id);
        print(view, () -> {
            out().println("Snapshot restored:");
            field("Snapshot ID", view.snapshotId());
            field("Events Verified", String.format("%,d", view.eventsVerified()) + " (checkpoint " + view.batchId() + ": signature and root valid,"
                    + " per-agent totals match)");
            field("Agents Restored", view.agentsRestored());
            field("Events Re-aggregated", String.format("%,d", view.eventsReaggregated()) + " (those of the last " + view.daysReaggregated()
                    + " days)");
            field("Budget Counters Reset", view.budgetCounterKeysReset() + " key(s) (every budget reloads from PostgreSQL on its next check)");
            out().println("Next: stop the consumers, then run `" + view.nextStep() + "`");
        });
    }
}
