package io.caracal.ledger;

import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.ScheduledLambdaHandler;
import io.micronaut.context.ApplicationContext;

/**
 * The Merkle integrator of the serverless shape, where the ledger function only answers its event source mapping:
 * EventBridge Scheduler invokes it every minute, and each invocation appends every ledger event not in the Merkle
 * log yet and signs the checkpoints that are due, with the container job's {@link MerkleIntegrator}. Configured
 * like the ledger function; a run that fails fails the invocation, which the Merkle integrator alarm counts.
 */
public class MerkleIntegratorLambdaHandler extends ScheduledLambdaHandler {
    /** The ledger function's configuration (its MERKLE_* variables); in Lambda its consumer and its job stay off. */
    public static final String[] ENVIRONMENTS = {"services", "ledger", FunctionLauncher.LAMBDA};

    private final MerkleIntegrator integrator;

    /** Called by the Lambda runtime once per container: configuration comes from the environment. */
    public MerkleIntegratorLambdaHandler() {
        this(FunctionLauncher.context(ENVIRONMENTS).start());
    }

    public MerkleIntegratorLambdaHandler(ApplicationContext context) {
        super(context, "merkle-integrator");
        this.integrator = context.getBean(MerkleIntegrator.class);
    }

    /** One run appends a bounded number of events (one short transaction); the invocation repeats it until none is left. */
    @Override
    protected int step() {
        return integrator.integrate().appended();
    }
}
