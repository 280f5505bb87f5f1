package io.caracal.cli.receipt;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.LedgerTamperedException;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.receipt.Receipt;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.receipt.ReceiptSigner;
import io.caracal.core.receipt.ReceiptVerifier;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a charge receipt (the X-Caracal-Receipt header's value): its signature, with the keys registered in"
                + " receipt_keys or only the one given with --public-key; then that the ledger records the same charge and, once a"
                + " checkpoint covers it, that the signed Merkle log includes it. With --public-key and no database configured, only"
                + " the signature is checked (offline). A receipt that fails any check is one line on stderr and exit 1.")
final class VerifyCommand extends SessionCommand {
    private static final String NOT_CHECKED = "not checked (offline: no database configured)";
    private static final String NOT_YET = "not yet in a checkpoint";

    @Parameters(arity = "0..1", paramLabel = "RECEIPT", description = "The receipt, as the gateway sent it.")
    String receipt;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the receipt from FILE instead.")
    Path file;

    @Option(names = "--public-key", paramLabel = "PEMFILE",
            description = "Trust only this receipt public key (PEM, as 'openssl ec -in receipt_signing_key.pem -pubout' writes it),"
                    + " not the keys registered in the database.")
    Path publicKey;

    VerifyCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ReceiptView(String eventId, String agentId, String amount, String currency, String priceVersion, String time, String keyId,
                       String signature, String ledger, String checkpoint, String batchId, Long treeSize) {
    }

    @Override
    protected void run() {
        Receipt verified = ReceiptVerifier.verify(header(), keys());
        boolean offline = publicKey != null && !session.databaseConfigured();
        Optional<CheckpointRow> covering = Optional.empty();
        if (!offline) {
            checkLedger(verified);
            covering = checkpointOf(verified.eventId());
        }
        ReceiptView view = new ReceiptView(verified.eventId().toString(), verified.agentId().toString(), verified.amount().amountText(),
                verified.amount().currency().code(), verified.priceVersion(), verified.time().toString(), verified.keyId(), "valid",
                offline ? NOT_CHECKED : "matches", offline ? NOT_CHECKED : covering.isPresent() ? "included" : NOT_YET,
                covering.map(c -> c.batchId().toString()).orElse(null), covering.map(CheckpointRow::treeSize).orElse(null));
        print(view, () -> {
            out().println("Receipt:");
            field("Event ID", view.eventId());
            field("Agent ID", view.agentId());
            field("Amount", verified.amount().display());
            field("Price Version", view.priceVersion());
            field("Time", view.time());
            field("Signature", "Valid (key " + view.keyId() + (publicKey == null ? ", registered" : ", given with --public-key") + ")");
            field("Ledger", view.ledger().equals("matches") ? "matches (agent, amount, currency, time)" : view.ledger());
            field("Checkpoint", view.batchId() != null ? view.batchId() + " (tree size " + view.treeSize() + "): included in the signed Merkle log"
                    : view.checkpoint());
        });
    }

    private String header() {
        if ((receipt == null) == (file == null)) {
            throw new InvalidInputException("give the receipt as an argument or with --file FILE, one of the two");
        }
        if (receipt != null) {
            return receipt.strip();
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the receipt from " + file + ": " + e.getMessage());
        }
    }

    /** The key given with --public-key alone, or every key registered in the database. */
    private Function<String, Optional<PublicKey>> keys() {
        if (publicKey == null) {
            return session.bean(ReceiptKeyStore.class)::find;
        }
        ECPublicKey trusted = PemKeys.readPublic(publicKey);
        String trustedId = ReceiptSigner.keyId(trusted);
        return keyId -> keyId.equals(trustedId) ? Optional.of(trusted) : Optional.empty();
    }

    /** The gateway signs a receipt only once its charge is recorded: the ledger must hold that very charge. */
    private void checkLedger(Receipt verified) {
        LedgerRow row = session.bean(LedgerStore.class).find(verified.eventId())
                .orElseThrow(() -> new NotFoundException("ledger event", verified.eventId()));
        List<String> differences = verified.disagreementsWith(row);
        if (!differences.isEmpty()) {
            throw new LedgerTamperedException("the ledger does not match the receipt of event " + verified.eventId() + ": "
                    + String.join("; ", differences));
        }
    }

    /** The checkpoint whose signed root includes the event (as merkle verify-event checks it), or empty while none covers it. */
    private Optional<CheckpointRow> checkpointOf(UUID eventId) {
        Optional<LedgerVerifier.Report> report = new LedgerVerifier(session.bean(MerkleLogStore.class)).verifyEvent(eventId);
        if (report.isEmpty() || report.get().checkpoints().isEmpty()) {
            return Optional.empty();
        }
        if (!report.get().passed()) {
            String problem = report.get().problems().stream().map(LedgerVerifier.Problem::what).findFirst()
                    .orElseGet(() -> "checkpoint signature " + report.get().checkpoints().get(0).signature());
            throw new LedgerTamperedException("ledger integrity FAILED for event " + eventId + ": " + problem
                    + " (see caracal merkle verify-event --event-id " + eventId + ")");
        }
        return Optional.of(report.get().checkpoints().get(0).checkpoint());
    }
}
