package io.caracal.gateway.budget;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetStoreUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The budget work no request triggers, every interval:
 * <ul>
 * <li>soon after Redis is back, has it rebuild the budgets this replica charged without it (see
 * {@link BudgetEngine#invalidateStaleBudgets()}). The engine does that itself before its next Redis step, but a
 * replica that gets no more requests would not; meanwhile the other replicas would go on enforcing those budgets
 * without its spend;</li>
 * <li>charges the calls whose hold expired with nobody settling it (a replica died while the upstream served
 * them), at their held amount ({@link BudgetEngine#chargeExpiredCalls});</li>
 * <li>deletes the per-minute spend totals no budget's window reaches any more ({@link BudgetEngine#forgetOldSpendTotals}).</li>
 * </ul>
 */
public final class BudgetSweep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BudgetSweep.class);
    /** Expired calls charged per round at most, so one round stays short after a long outage. */
    private static final int EXPIRED_PER_ROUND = 100;
    /** Old spend totals deleted per round at most: a day of a busy budget is 1,440 of them, and a round stays short. */
    private static final int TOTALS_PER_ROUND = 10_000;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "caracal-budget-sweep");
        thread.setDaemon(true);
        return thread;
    });

    public BudgetSweep(BudgetEngine engine, Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            // Anything thrown would end the schedule for good: each task's failure waits for the next round.
            try {
                engine.invalidateStaleBudgets();
            } catch (BudgetStoreUnavailableException e) {
                // Redis is still away: the budgets stay marked for the next round.
            } catch (RuntimeException e) {
                LOG.warn("stale budgets not invalidated yet: {}", e.toString());
            }
            try {
                int charged = engine.chargeExpiredCalls(EXPIRED_PER_ROUND);
                if (charged > 0) {
                    LOG.warn("charged {} call(s) at their held amount: their holds expired with nobody settling them", charged);
                }
            } catch (RuntimeException e) {
                LOG.warn("expired calls not charged yet: {}", e.toString());
            }
            try {
                engine.forgetOldSpendTotals(TOTALS_PER_ROUND);
            } catch (RuntimeException e) {
                LOG.warn("old spend totals not deleted yet: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
