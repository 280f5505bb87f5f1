package io.caracal.ledger;

import io.caracal.core.config.MerkleSettings;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.ledger.MerkleLogStore;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Appends ledger events to the Merkle log and signs checkpoints, every second, in every ledger replica; the log's
 * lock lets one replica at a time do it. Runs only where a signing key is configured (MERKLE_SIGNING_KEY_PATH).
 */
@Singleton
@Requires(property = "caracal.consumers.ledger-writer.enabled", value = "true")
@Requires(property = "caracal.merkle.signing-key-path", pattern = ".+")
public class MerkleIntegratorJob {
    private static final Logger LOG = LoggerFactory.getLogger(MerkleIntegratorJob.class);

    private final MerkleLog log;

    MerkleIntegratorJob(MerkleLogStore store, MerkleSettings settings) {
        this.log = new MerkleLog(store, settings.getOrigin(), PemKeys.readPrivate(Path.of(settings.getSigningKeyPath())),
                settings.getBatchSizeLimit(), settings.getBatchTimeout());
    }

    @Scheduled(fixedDelay = "${caracal.merkle.integrate-interval:1s}", initialDelay = "1s")
    void integrate() {
        try {
            MerkleLog.Run run = log.integrate();
            if (run.signed() > 0) {
                LOG.info("merkle log: {} event(s) appended, {} checkpoint(s) signed", run.appended(), run.signed());
            }
        } catch (RuntimeException e) {
            // The next run starts again from what is committed; nothing is lost by waiting.
            LOG.warn("merkle log: integration failed, retrying: {}", e.getMessage());
        }
    }
}
