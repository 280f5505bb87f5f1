package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.ledger.NoteKey;
import io.caracal.core.config.MerkleSettings;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.MerkleLogStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "rotate-keys", mixinStandardHelpOptions = true,
        description = "Register a new checkpoint signing key (and, with --generate, create it). Every earlier public key stays registered,"
                + " so checkpoints signed before the rotation still verify. Then point MERKLE_SIGNING_KEY_PATH at the new key and restart"
                + " the ledger function.")
final class RotateKeysCommand extends SessionCommand {
    @Option(names = "--new-key", required = true, paramLabel = "FILE", description = "The new P-256 PEM private key.")
    Path newKey;

    @Option(names = "--generate", description = "Create the new key at --new-key (refused if the file exists).")
    boolean generate;

    RotateKeysCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record KeyView(String keyId, String name) {
    }

    @Override
    protected void run() {
        if (generate && Files.exists(newKey)) {
            throw new InvalidInputException(newKey + " already exists; --generate never overwrites a key");
        }
        PemKeys.SigningKey key = generate ? PemKeys.generate(newKey) : PemKeys.readPrivate(newKey);
        MerkleLogStore store = session.bean(MerkleLogStore.class);
        NoteKey noteKey = new NoteKey(session.bean(MerkleSettings.class).getOrigin(), key.publicKey());
        store.registerKey(noteKey);
        List<KeyView> keys = store.keys().stream().map(k -> new KeyView(k.keyId(), k.name())).toList();
        print(keys, () -> {
            out().println("New signing key registered: " + noteKey.keyId());
            out().println("Set MERKLE_SIGNING_KEY_PATH=" + newKey.toAbsolutePath() + " for the ledger function and restart it.");
            out().println("Verification keys (all kept):");
            keys.forEach(k -> out().println("  " + k.keyId() + "  " + k.name()));
        });
    }
}
