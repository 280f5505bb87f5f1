package io.caracal.gateway.degraded;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetStoreUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Soon after Redis is back, has it rebuild the budgets this replica charged without it (see
 * {@link BudgetEngine#invalidateStaleBudgets()}). The engine does that itself before its next Redis step, but
 * a replica that gets no more requests would not; meanwhile the other replicas would go on enforcing those
 * budgets without its spend.
 */
public final class StaleBudgetSweep implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StaleBudgetSweep.class);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "caracal-stale-budget-sweep");
        thread.setDaemon(true);
        return thread;
    });

    public StaleBudgetSweep(BudgetEngine engine, Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                engine.invalidateStaleBudgets();
            } catch (BudgetStoreUnavailableException e) {
                // Redis is still away: the budgets stay marked for the next round.
            } catch (RuntimeException e) {
                // Anything else would end the schedule for good; the budgets stay marked for the next round.
                LOG.warn("stale budgets not invalidated yet: {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
