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
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

@Command(name = "rotate-keys", mixinStandardHelpOptions = true,
        description = "Register a new checkpoint signing key: the one at --new-key, one created there with --generate, or, with"
                + " neither option, one created at $CARACAL_HOME/keys/merkle-signing-<time>.pem. Every earlier public key stays"
                + " registered, so checkpoints signed before the rotation still verify. Then point MERKLE_SIGNING_KEY_PATH at the new key"
                + " and restart the ledger function.")
final class RotateKeysCommand extends SessionCommand {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Option(names = "--new-key", paramLabel = "FILE", description = "The new P-256 PEM private key (default: a new one under $CARACAL_HOME/keys).")
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
        boolean create = generate || newKey == null;
        Path file = newKey != null ? newKey
                : session.home().resolve("keys").resolve("merkle-signing-" + FILE_TIME.format(session.bean(Clock.class).instant()) + ".pem");
        if (create && Files.exists(file)) {
            throw new InvalidInputException(file + " already exists; a new key never overwrites one");
        }
        PemKeys.SigningKey key = create ? PemKeys.generate(file) : PemKeys.readPrivate(file);
        MerkleLogStore store = session.bean(MerkleLogStore.class);
        NoteKey noteKey = new NoteKey(session.bean(MerkleSettings.class).getOrigin(), key.publicKey());
        store.registerKey(noteKey);
        List<KeyView> keys = store.keys().stream().map(k -> new KeyView(k.keyId(), k.name())).toList();
        print(keys, () -> {
            out().println("New signing key registered: " + noteKey.keyId());
            out().println("Set MERKLE_SIGNING_KEY_PATH=" + file.toAbsolutePath() + " for the ledger function and restart it.");
            out().println("Verification keys (all kept):");
            keys.forEach(k -> out().println("  " + k.keyId() + "  " + k.name()));
        });
    }
}
