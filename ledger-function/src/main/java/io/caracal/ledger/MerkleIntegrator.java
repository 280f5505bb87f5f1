package io.caracal.ledger;

import io.caracal.core.config.MerkleSettings;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.ledger.MerkleLogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The ledger function's Merkle log, as configured (MERKLE_SIGNING_KEY_PATH, MERKLE_LOG_ORIGIN,
 * MERKLE_BATCH_SIZE_LIMIT, MERKLE_BATCH_TIMEOUT_SECONDS): what the container runs every second
 * ({@link MerkleIntegratorJob}) and the serverless shape on a schedule ({@link MerkleIntegratorLambdaHandler}).
 * <p>
 * Its meters, the runbook's: {@code caracal_merkle_batches_created_total} (checkpoints signed), {@code
 * caracal_merkle_batch_size} (events per checkpoint), {@code caracal_merkle_batch_processing_duration_seconds} (one
 * run that signed) and {@code caracal_merkle_verification_failures_total}: runs that found the latest signed
 * checkpoint no longer matching the log's leaves (and signed nothing). The CLI's {@code merkle verify} runs are
 * one-off processes nothing scrapes; this re-check, in the process that signs, is what an alert can watch.
 */
@Singleton
@Requires(property = "caracal.merkle.signing-key-path", pattern = ".+")
public class MerkleIntegrator {
    private static final Logger LOG = LoggerFactory.getLogger(MerkleIntegrator.class);

    private final MerkleLog log;
    private final Counter batches;
    private final DistributionSummary batchSize;
    private final Timer duration;
    private final Counter verificationFailures;

    MerkleIntegrator(MerkleLogStore store, MerkleSettings settings, MeterRegistry registry) {
        this.log = new MerkleLog(store, settings.getOrigin(), PemKeys.readPrivate(Path.of(settings.getSigningKeyPath())),
                settings.getBatchSizeLimit(), settings.getBatchTimeout());
        this.batches = Counter.builder("caracal.merkle.batches.created").description("Merkle checkpoints signed").register(registry);
        this.batchSize = DistributionSummary.builder("caracal.merkle.batch.size").description("Events per signed checkpoint")
                .publishPercentileHistogram().register(registry);
        this.duration = Timer.builder("caracal.merkle.batch.processing.duration").description("Time of an integrator run that signed")
                .publishPercentileHistogram().register(registry);
        this.verificationFailures = Counter.builder("caracal.merkle.verification.failures")
                .description("Integrator runs that found the latest checkpoint no longer matching the log").register(registry);
    }

    /** One run of {@link MerkleLog#integrate()}; when it throws, it committed nothing. */
    public MerkleLog.Run integrate() {
        long started = System.nanoTime();
        MerkleLog.Run run = log.integrate();
        if (!run.verified()) {
            verificationFailures.increment();
            LOG.error("merkle log: the latest signed checkpoint no longer matches the log's leaves; nothing more is signed until this is "
                    + "investigated (caracal merkle verify-range)");
        }
        if (run.signed() > 0) {
            duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            batches.increment(run.signed());
            run.batches().forEach(batchSize::record);
            LOG.info("merkle log: {} event(s) appended, {} checkpoint(s) signed", run.appended(), run.signed());
        }
        return run;
    }
}
