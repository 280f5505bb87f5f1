package io.caracal.gateway.budget;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetStoreUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The budget work no request triggers, one round at a time: in the container every second on a thread of its own
 * ({@link #every}), in the serverless shape on a schedule (BudgetSweepLambdaHandler). A round
 * <ul>
 * <li>has Redis rebuild the budgets this replica charged without it, soon after Redis is back (see
 * {@link BudgetEngine#invalidateStaleBudgets()}). The engine does that itself before its next Redis step, but a
 * replica that gets no more requests would not; meanwhile the other replicas would go on enforcing those budgets
 * without its spend;</li>
 * <li>charges the calls whose hold expired with nobody settling it (a replica died while the upstream served
 * them), at their held amount ({@link BudgetEngine#chargeExpiredCalls});</li>
 * <li>deletes the per-minute spend totals no budget's window reaches any more ({@link BudgetEngine#forgetOldSpendTotals}).</li>
 * </ul>
 */
public final class BudgetSweep {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetSweep.class);
    /** Expired calls charged per round at most, so one round stays short after a long outage. */
    private static final int EXPIRED_PER_ROUND = 100;
    /** Old spend totals deleted per round at most: a day of a busy budget is 1,440 of them, and a round stays short. */
    private static final int TOTALS_PER_ROUND = 10_000;
    public static final String THREAD_NAME = "caracal-budget-sweep";

    private final BudgetEngine engine;

    public BudgetSweep(BudgetEngine engine) {
        this.engine = engine;
    }

    /** What a round did: expired calls charged plus old spend totals deleted, and the tasks that failed (each logged). */
    public record Round(int handled, List<String> failed) {
    }

    /** One round. A task that fails is logged and left for the next round; the others still run. */
    public Round round() {
        List<String> failed = new ArrayList<>();
        int handled = 0;
        try {
            engine.invalidateStaleBudgets();
        } catch (BudgetStoreUnavailableException e) {
            // Redis is still away: the budgets stay marked for the next round.
        } catch (RuntimeException e) {
            LOG.warn("stale budgets not invalidated yet: {}", e.toString());
            failed.add("stale budgets");
        }
        try {
            int charged = engine.chargeExpiredCalls(EXPIRED_PER_ROUND);
            if (charged > 0) {
                LOG.warn("charged {} call(s) at their held amount: their holds expired with nobody settling them", charged);
            }
            handled += charged;
        } catch (RuntimeException e) {
            LOG.warn("expired calls not charged yet: {}", e.toString());
            failed.add("expired calls");
        }
        try {
            handled += engine.forgetOldSpendTotals(TOTALS_PER_ROUND);
        } catch (RuntimeException e) {
            LOG.warn("old spend totals not deleted yet: {}", e.toString());
            failed.add("old spend totals");
        }
        return new Round(handled, List.copyOf(failed));
    }

    /** Runs a round every {@code interval} on a thread of its own until closed, as the container gateway does. */
    public AutoCloseable every(Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        // round() throws nothing: an exception would end the schedule for good.
        scheduler.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler::shutdownNow;
    }
}
