package io.caracal.ledger;

import io.caracal.core.config.MerkleSettings;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.ledger.MerkleLogStore;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The ledger function's Merkle log, as configured (MERKLE_SIGNING_KEY_PATH, MERKLE_LOG_ORIGIN,
 * MERKLE_BATCH_SIZE_LIMIT, MERKLE_BATCH_TIMEOUT_SECONDS): what the container runs every second
 * ({@link MerkleIntegratorJob}) and the serverless shape on a schedule ({@link MerkleIntegratorLambdaHandler}).
 */
@Singleton
@Requires(property = "caracal.merkle.signing-key-path", pattern = ".+")
public class MerkleIntegrator {
    private static final Logger LOG = LoggerFactory.getLogger(MerkleIntegrator.class);

    private final MerkleLog log;

    MerkleIntegrator(MerkleLogStore store, MerkleSettings settings) {
        this.log = new MerkleLog(store, settings.getOrigin(), PemKeys.readPrivate(Path.of(settings.getSigningKeyPath())),
                settings.getBatchSizeLimit(), settings.getBatchTimeout());
    }

    /** One run of {@link MerkleLog#integrate()}; when it throws, it committed nothing. */
    public MerkleLog.Run integrate() {
        MerkleLog.Run run = log.integrate();
        if (run.signed() > 0) {
            LOG.info("merkle log: {} event(s) appended, {} checkpoint(s) signed", run.appended(), run.signed());
        }
        return run;
    }
}
