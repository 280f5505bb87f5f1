package io.caracal.core.budget;

import io.caracal.core.error.OverloadedException;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.store.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A replica's one writer of holds, settlements and closes (group commit): whatever requests queued while the
 * previous batch was being written goes to PostgreSQL as the next batch, a few multi-row statements in one
 * commit, and each request waits for its own outcome. So the database does a few statements per batch instead
 * of several per request, and requests never contend with each other for rows or connections.
 *
 * <p>A write not taken into a batch within the deadline is withdrawn and refused with {@link OverloadedException}:
 * nothing of it is written, so the caller can answer 503 and the client retry. Once taken, it is waited for.
 *
 * <p>With a journal (the gateway's degraded mode), a batch PostgreSQL cannot take is appended to a local
 * {@link SpendJournal} instead, forced to disk once for the whole batch: holds degraded mode allowed
 * ({@link HoldWrites#openDegraded}), settlements, voids and decisions. Any other hold is refused as before. From then on
 * every batch goes to the journal, in order, until the writer has replayed the journal into PostgreSQL, which it tries
 * once a second (and first thing at start, for a journal a crash left behind); then it writes to PostgreSQL again.
 * The replay is idempotent (rows keep their ids; a hold already there, a settle or close of a hold no longer open, an
 * event already in the outbox change nothing), so a replay cut off before the journal was emptied can run again.
 */
public final class GroupCommitWriter extends HoldWrites implements AutoCloseable {
    /** Bounds one statement's arrays; a larger backlog is written as consecutive batches. */
    private static final int MAX_BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    private final HoldStore store;
    private final BlockingQueue<Pending> queue;
    private final Duration deadline;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong batches = new AtomicLong();
    /** Null without degraded mode: then a batch PostgreSQL cannot take fails. */
    private final SpendJournal journal;
    /** With a journal: batches go there without trying PostgreSQL for a second after it was found unreachable. */
    private final DatabaseOutage outage;
    private volatile Consumer<Set<UUID>> replayed = agents -> {
    };

    public GroupCommitWriter(HoldStore store, int capacity, Duration deadline) {
        this(store, capacity, deadline, null, null);
    }

    /**
     * With {@code journalDirectory} (null: none), batches wait there while PostgreSQL is unreachable, see above;
     * {@code outage} tells when it was last found so, here or by the caches.
     */
    public GroupCommitWriter(HoldStore store, int capacity, Duration deadline, Path journalDirectory, DatabaseOutage outage) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.deadline = deadline;
        this.journal = journalDirectory == null ? null : SpendJournal.open(journalDirectory);
        this.outage = journal == null ? outage : java.util.Objects.requireNonNull(outage, "a journal needs the DatabaseOutage");
        this.thread = new Thread(this::run, "caracal-group-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /** Writes waiting for a batch now. */
    public int queued() {
        return queue.size();
    }

    /** Batches written since start; fewer than the writes submitted when calls share batches. */
    public long batches() {
        return batches.get();
    }

    @Override
    boolean write(HoldBatch.Write write) {
        Pending pending = new Pending(write);
        if (!running || !queue.offer(pending)) {
            throw new OverloadedException("too many writes waiting for the database; try again");
        }
        try {
            try {
                return pending.result.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (pending.taken.compareAndSet(false, true)) {
                    // Withdrawn before any batch took it: nothing of it will be written.
                    throw new OverloadedException("the database did not take this write within " + deadline.toMillis() + " ms; try again");
                }
                return pending.result.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting for the database", e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    // Replayed even while no call comes: the journal's spend belongs in PostgreSQL as soon as it answers.
                    databaseUsable();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batch.removeIf(pending -> !pending.taken.compareAndSet(false, true));
                if (!batch.isEmpty()) {
                    batches.incrementAndGet();
                    writeBatch(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // Whatever a batch throws ends that batch, never the writer: a dead writer would refuse every call.
                batch.forEach(pending -> pending.result.completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending> batch) {
        if (!databaseUsable()) {
            divert(batch, new StorageUnavailableException("the database was unreachable moments ago; it is tried again every "
                    + DatabaseOutage.RETRY.toSeconds() + " s", null));
            return;
        }
        try {
            boolean[] took = store.write(batch.stream().map(Pending::write).toList());
            for (int i = 0; i < took.length; i++) {
                batch.get(i).result.complete(took[i]);
            }
        } catch (StorageUnavailableException e) {
            if (outage != null) {
                outage.found();
            }
            divert(batch, e);
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).result.completeExceptionally(e);
                return;
            }
            // One write the database refuses must not fail the others with it: each is tried alone.
            for (Pending pending : batch) {
                try {
                    pending.result.complete(store.write(pending.write));
                } catch (RuntimeException alone) {
                    pending.result.completeExceptionally(alone);
                }
            }
        }
    }

    /**
     * PostgreSQL could not take {@code batch}: without a journal it fails; with one, what degraded mode allowed and
     * whatever closes or records waits in the journal, taking effect for its callers once it is on disk, and any other
     * hold is refused.
     */
    private void divert(List<Pending> batch, StorageUnavailableException cause) {
        List<Pending> kept = new ArrayList<>();
        for (Pending pending : batch) {
            if (journal != null && (!(pending.write instanceof HoldBatch.Open open) || open.degraded())) {
                kept.add(pending);
            } else {
                pending.result.completeExceptionally(cause);
            }
        }
        if (kept.isEmpty()) {
            return;
        }
        try {
            journal.append(kept.stream().map(Pending::write).toList());
        } catch (IOException e) {
            LOG.error("the database is unreachable and the spend journal cannot be written: {}", e.toString());
            StorageUnavailableException failure = new StorageUnavailableException("the database is unreachable and the spend journal cannot be written", e);
            kept.forEach(pending -> pending.result.completeExceptionally(failure));
            return;
        }
        kept.forEach(pending -> pending.result.complete(true));
    }

    /**
     * Whether a batch may go to PostgreSQL: not within a second of its being found unreachable, and not before the
     * journal is replayed into it, which this tries first.
     */
    private boolean databaseUsable() {
        if (journal == null) {
            return true;
        }
        if (outage.recent()) {
            return false;
        }
        try {
            List<List<HoldBatch.Write>> records = journal.records();
            if (!records.isEmpty()) {
                replay(records);
                journal.clear();
                LOG.info("replayed the spend journal into the database: {} group commits made while it was unreachable", records.size());
                replayed.accept(agentsOf(records));
            }
            return true;
        } catch (StorageUnavailableException e) {
            outage.found();
            return false;
        } catch (IOException e) {
            LOG.error("the spend journal cannot be read, so it is not replayed yet: {}", e.toString());
            return false;
        }
    }

    /**
     * The journal into PostgreSQL in one transaction, in order. A write the database refuses for its content (a row no
     * longer valid: an integrity or data error) must not keep the rest out for ever: then each is written alone and a
     * refused one is logged and left out. Any other failure leaves the journal as it is, to be replayed again.
     */
    private void replay(List<List<HoldBatch.Write>> records) {
        try {
            store.replay(records);
            return;
        } catch (StorageUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!refusedForItsContent(e)) {
                throw new StorageUnavailableException("the journal could not be replayed yet: " + e.getMessage(), e);
            }
        }
        for (List<HoldBatch.Write> record : records) {
            for (HoldBatch.Write write : record) {
                try {
                    store.write(write);
                } catch (RuntimeException e) {
                    if (!refusedForItsContent(e)) {
                        throw e instanceof StorageUnavailableException unavailable ? unavailable
                                : new StorageUnavailableException("the journal could not be replayed yet: " + e.getMessage(), e);
                    }
                    LOG.error("a journaled {} was refused by the database and is left out: {}", write.getClass().getSimpleName(), e.getMessage());
                }
            }
        }
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity constraint violation): the row, not the database. */
    private static boolean refusedForItsContent(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static Set<UUID> agentsOf(List<List<HoldBatch.Write>> records) {
        Set<UUID> agents = new HashSet<>();
        records.forEach(record -> record.forEach(write -> {
            if (write instanceof HoldBatch.Open open) {
                agents.add(open.agentId());
            } else if (write instanceof HoldBatch.Settle settle) {
                agents.add(settle.agentId());
            }
        }));
        return agents;
    }

    @Override
    void whenReplayed(Consumer<Set<UUID>> action) {
        replayed = action;
    }

    /**
     * Stops taking writes; those already queued are refused as overloaded. The batch being written is finished, not
     * interrupted: an interrupt would close the journal's file under a write (Java closes a channel on it).
     */
    @Override
    public void close() {
        running = false;
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.result.completeExceptionally(new OverloadedException("the gateway is shutting down; try again"));
        }
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (journal != null) {
            journal.close();
        }
    }

    private record Pending(HoldBatch.Write write, AtomicBoolean taken, CompletableFuture<Boolean> result) {
        Pending(HoldBatch.Write write) {
            this(write, new AtomicBoolean(), new CompletableFuture<>());
        }
    }
}
