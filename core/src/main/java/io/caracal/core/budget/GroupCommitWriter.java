package io.caracal.core.budget;

import io.caracal.core.error.OverloadedException;
import io.caracal.core.error.StorageUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replica's one writer of holds, settlements and closes (group commit): whatever requests queued while the
 * previous batch was being written goes to PostgreSQL as the next batch, a few multi-row statements in one
 * commit, and each request waits for its own outcome. So the database does a few statements per batch instead
 * of several per request, and requests never contend with each other for rows or connections.
 *
 * <p>A write not taken into a batch within the deadline is withdrawn and refused with {@link OverloadedException}:
 * nothing of it is written, so the caller can answer 503 and the client retry. Once taken, it is waited for.
 */
public final class GroupCommitWriter extends HoldWrites implements AutoCloseable {
    /** Bounds one statement's arrays; a larger backlog is written as consecutive batches. */
    private static final int MAX_BATCH = 1000;

    private final HoldStore store;
    private final BlockingQueue<Pending> queue;
    private final Duration deadline;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong batches = new AtomicLong();

    public GroupCommitWriter(HoldStore store, int capacity, Duration deadline) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.deadline = deadline;
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
        try {
            boolean[] took = store.write(batch.stream().map(Pending::write).toList());
            for (int i = 0; i < took.length; i++) {
                batch.get(i).result.complete(took[i]);
            }
        } catch (StorageUnavailableException e) {
            batch.forEach(pending -> pending.result.completeExceptionally(e));
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

    /** Stops taking writes; those already queued are refused as overloaded. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.result.completeExceptionally(new OverloadedException("the gateway is shutting down; try again"));
        }
    }

    private record Pending(HoldBatch.Write write, AtomicBoolean taken, CompletableFuture<Boolean> result) {
        Pending(HoldBatch.Write write) {
            this(write, new AtomicBoolean(), new CompletableFuture<>());
        }
    }
}
