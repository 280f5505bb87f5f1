package io.caracal.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in tests for something another process or thread does (a consumer catching up, a checkpoint being
 * signed): the caller blocks until the condition holds or the deadline passes, while a timer probes it. The
 * caller asserts on the value returned, so a timeout fails with what was last seen.
 */
public final class Await {
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

    private Await() {
    }

    /** Probes until {@code done} accepts the value or {@code timeout} passes; returns the last value probed. */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        CompletableFuture<T> reached = new CompletableFuture<>();
        AtomicReference<T> last = new AtomicReference<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "test-await");
            thread.setDaemon(true);
            return thread;
        });
        try {
            timer.scheduleWithFixedDelay(() -> {
                if (reached.isDone()) {
                    return; // a probe with side effects must not run again once the condition held
                }
                try {
                    T value = probe.get();
                    last.set(value);
                    if (done.test(value)) {
                        reached.complete(value);
                    }
                } catch (RuntimeException | Error e) {
                    reached.completeExceptionally(e);
                }
            }, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            return reached.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return last.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        } finally {
            timer.shutdownNow();
        }
    }

    /** Blocks until {@code condition} holds; fails naming {@code what} when {@code timeout} passes first. */
    public static void until(Duration timeout, Supplier<Boolean> condition, String what) {
        if (!Boolean.TRUE.equals(until(timeout, condition, Boolean.TRUE::equals))) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }
}
