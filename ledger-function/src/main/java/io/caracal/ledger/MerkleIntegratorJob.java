package io.caracal.ledger;

import io.caracal.core.pipeline.FunctionLauncher;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link MerkleIntegrator} every second in every ledger container; the log's lock lets one replica at a
 * time in. Runs only where a signing key is configured (MERKLE_SIGNING_KEY_PATH), and not in Lambda, where
 * {@link MerkleIntegratorLambdaHandler} runs it on a schedule.
 */
@Singleton
@Requires(property = "caracal.consumers.ledger-writer.enabled", value = "true")
@Requires(beans = MerkleIntegrator.class)
@Requires(notEnv = FunctionLauncher.LAMBDA)
public class MerkleIntegratorJob {
    private static final Logger LOG = LoggerFactory.getLogger(MerkleIntegratorJob.class);

    private final MerkleIntegrator integrator;

    MerkleIntegratorJob(MerkleIntegrator integrator) {
        this.integrator = integrator;
    }

    @Scheduled(fixedDelay = "${caracal.merkle.integrate-interval:1s}", initialDelay = "1s")
    void integrate() {
        try {
            integrator.integrate();
        } catch (RuntimeException e) {
            // The next run starts again from what is committed; nothing is lost by waiting.
            LOG.warn("merkle log: integration failed, retrying: {}", e.getMessage());
        }
    }
}
