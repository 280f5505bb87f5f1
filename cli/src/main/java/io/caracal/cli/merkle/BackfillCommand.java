package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.config.MerkleSettings;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.ledger.MerkleLogStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Append every ledger event not yet in the Merkle log (rows written before the log existed: a v0.2 ledger after"
                + " the upgrade) and sign checkpoints over them now, in batches of --batch-size. Safe to run again: appended events are"
                + " never appended twice.")
final class BackfillCommand extends SessionCommand {
    private static final java.util.Set<String> SOURCE_VERSIONS = java.util.Set.of("v0.2", "0.2");

    @Option(names = "--signing-key", paramLabel = "FILE", description = "P-256 PEM private key (default: $MERKLE_SIGNING_KEY_PATH).")
    Path signingKey;

    @Option(names = "--source-version", paramLabel = "VERSION",
            description = "The version that wrote the events: v0.2, the only one whose ledger has no Merkle log (as the upgrade guide runs it).")
    String sourceVersion;

    @Option(names = "--batch-size", defaultValue = "1000", description = "Events per checkpoint (default: ${DEFAULT-VALUE}).")
    int batchSize;

    BackfillCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record BackfillView(long appended, long checkpointsSigned, long logSize, String keyId) {
    }

    @Override
    protected void run() {
        if (sourceVersion != null && !SOURCE_VERSIONS.contains(sourceVersion.trim().toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidInputException("source-version must be v0.2: only a v0.2 ledger was written without a Merkle log"
                    + " (later versions append every event as they write it); got '" + sourceVersion + "'");
        }
        Path key = signingKey != null ? signingKey : keyFromEnvironment();
        if (batchSize < 1 || batchSize > 1_000_000) {
            throw new InvalidInputException("batch-size must be from 1 to 1000000, got " + batchSize);
        }
        MerkleLogStore store = session.bean(MerkleLogStore.class);
        MerkleLog log = new MerkleLog(store, session.bean(MerkleSettings.class).getOrigin(), PemKeys.readPrivate(key), batchSize,
                java.time.Duration.ofSeconds(1));
        MerkleLog.Run run = log.integrateAll();
        if (!run.ran()) {
            throw new InvalidInputException("another integrator holds the Merkle log; try again when it is idle");
        }
        BackfillView view = new BackfillView(run.appended(), run.signed(), store.size(), log.key().keyId());
        print(view, () -> {
            out().println("Backfill complete:");
            out().println("  Events Appended: " + view.appended());
            out().println("  Checkpoints Signed: " + view.checkpointsSigned());
            out().println("  Log Size: " + view.logSize());
            out().println("  Signing Key: " + view.keyId());
        });
    }

    private Path keyFromEnvironment() {
        String path = session.env().get("MERKLE_SIGNING_KEY_PATH");
        if (path == null || path.isBlank()) {
            throw new InvalidInputException("no signing key: give --signing-key FILE or set MERKLE_SIGNING_KEY_PATH");
        }
        return Path.of(path);
    }
}
