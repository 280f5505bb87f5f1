package io.caracal.core.budget;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One rebuild at a time per budget on this replica (single flight). When Redis has lost a budget, every request on
 * it finds it missing at once; without this each would read the budget's window from PostgreSQL and offer it to
 * Redis (which keeps only the first), a burst of identical reads at the moment the database is needed most. Instead
 * the first request rebuilds and the others wait for it, then try their step again.
 *
 * <p>A request that asked Redis before a rebuild finished may have been told of a loss that rebuild has already
 * repaired; it takes a {@link #ticket()} before it asks, and a rebuild that finished after its ticket counts as its
 * own. Finished rebuilds are remembered for the next {@link #REMEMBERED} rebuilds only: forgetting one early costs
 * a redundant rebuild, never a wrong figure, since loading a budget Redis already has changes nothing.
 */
final class Rebuilds {
    private static final long REMEMBERED = 1024;

    /** Counts finished rebuilds: the order in which tickets and rebuilds happened. */
    private final AtomicLong finished = new AtomicLong();
    private final Map<String, Flight> flights = new ConcurrentHashMap<>();

    private static final class Flight {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long finishedAt = Long.MAX_VALUE;

        boolean coversTicket(long ticket) {
            return !done.isDone() || finishedAt > ticket;
        }
    }

    /** Taken before asking Redis, so that a rebuild finishing after it is known to be newer than the answer. */
    long ticket() {
        return finished.get();
    }

    /**
     * Rebuilds {@code budgetKey} with {@code rebuild}, unless a rebuild of it is running (then waits for it) or
     * finished after {@code ticket} (then returns at once). A rebuild that failed fails its waiters the same way.
     */
    void run(String budgetKey, long ticket, Runnable rebuild) {
        Flight mine = new Flight();
        Flight flight = flights.compute(budgetKey, (key, current) -> current != null && current.coversTicket(ticket) ? current : mine);
        if (flight != mine) {
            await(flight);
            return;
        }
        try {
            rebuild.run();
            finish(mine, null);
        } catch (RuntimeException | Error e) {
            finish(mine, e);
            throw e;
        }
    }

    private void finish(Flight flight, Throwable failure) {
        long at = finished.incrementAndGet();
        flight.finishedAt = at;
        if (failure == null) {
            flight.done.complete(null);
        } else {
            flight.done.completeExceptionally(failure);
        }
        flights.values().removeIf(old -> old.finishedAt < at - REMEMBERED);
    }

    private static void await(Flight flight) {
        try {
            flight.done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }
}
