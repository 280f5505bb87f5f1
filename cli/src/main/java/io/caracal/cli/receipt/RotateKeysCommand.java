package io.caracal.cli.receipt;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "rotate-keys", mixinStandardHelpOptions = true,
        description = "Create a new receipt signing key (a P-256 PEM readable by its owner only) and register its public key. Every"
                + " earlier public key stays registered, so receipts signed before the rotation still verify. Then point"
                + " RECEIPT_SIGNING_KEY_PATH at the new key and restart the gateway.")
final class RotateKeysCommand extends SessionCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the new key (refused if the file exists).")
    Path out;

    RotateKeysCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record KeyView(String keyId, String createdAt) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RotationView(String keyId, String keyFile, List<KeyView> keys) {
    }

    @Override
    protected void run() {
        if (Files.exists(out)) {
            throw new InvalidInputException(out + " already exists; rotate-keys never overwrites a key");
        }
        ReceiptKeyStore store = session.bean(ReceiptKeyStore.class);
        PemKeys.SigningKey key = PemKeys.generate(out);
        String keyId;
        try {
            keyId = store.register(key.publicKey());
        } catch (RuntimeException e) {
            // A key nobody registered must not be deployed: its receipts could not be verified.
            deleteKey();
            throw e;
        }
        List<ReceiptKeyStore.RegisteredKey> keys = store.all();
        RotationView view = new RotationView(keyId, out.toAbsolutePath().toString(),
                keys.stream().map(k -> new KeyView(k.keyId(), k.createdAt().toString())).toList());
        print(view, () -> {
            out().println("New receipt signing key registered: " + view.keyId());
            out().println("Set RECEIPT_SIGNING_KEY_PATH=" + view.keyFile() + " for the gateway and restart it.");
            out().println("Verification keys (all kept):");
            keys.forEach(k -> out().println("  " + k.keyId() + "  registered " + time(k.createdAt())));
        });
    }

    private void deleteKey() {
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
