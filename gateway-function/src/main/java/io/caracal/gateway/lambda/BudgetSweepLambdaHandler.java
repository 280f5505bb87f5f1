package io.caracal.gateway.lambda;

import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.ScheduledLambdaHandler;
import io.caracal.gateway.budget.BudgetSweep;
import io.micronaut.context.ApplicationContext;

/**
 * The budget sweep of the serverless shape, where the gateway function has no sweep thread: EventBridge Scheduler
 * invokes it every minute, and each invocation runs the container's {@link BudgetSweep} rounds (calls whose hold
 * expired unsettled charged at their held amount, old spend totals deleted) until one finds nothing left or the
 * invocation's time is nearly up. Configured as the gateway function is (its budget engine needs the same settings).
 */
public class BudgetSweepLambdaHandler extends ScheduledLambdaHandler {
    private final BudgetSweep sweep;

    /** Called by the Lambda runtime once per container: configuration comes from the environment. */
    public BudgetSweepLambdaHandler() {
        this(FunctionLauncher.context(GatewayFunction.ENVIRONMENTS).start());
    }

    public BudgetSweepLambdaHandler(ApplicationContext context) {
        super(context, "budget-sweep");
        this.sweep = context.getBean(BudgetSweep.class);
    }

    /** A round in which a task failed fails the invocation, which the function's errors alarm counts; the next run retries. */
    @Override
    protected int step() {
        BudgetSweep.Round round = sweep.round();
        if (!round.failed().isEmpty()) {
            throw new IllegalStateException("budget sweep: not done, see the warnings above: " + String.join(", ", round.failed()));
        }
        return round.handled();
    }
}
