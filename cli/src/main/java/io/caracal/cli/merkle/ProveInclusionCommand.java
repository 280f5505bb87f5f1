package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.Ids;
import io.caracal.core.ledger.LedgerProofs;
import io.caracal.core.ledger.MerkleLogStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

@Command(name = "prove-inclusion", mixinStandardHelpOptions = true,
        description = "An RFC 6962 inclusion proof of a ledger event in a signed checkpoint (the latest, or --batch-id): the leaf hash,"
                + " the audit path and the signed note, enough for anyone to check it with the public key. Refused if the event no"
                + " longer matches what was signed.")
final class ProveInclusionCommand extends SessionCommand {
    @Option(names = "--event-id", required = true, description = "The ledger event id.")
    String eventId;

    @Option(names = "--batch-id", description = "The checkpoint to prove it against (default: the latest).")
    String batchId;

    ProveInclusionCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record InclusionView(String eventId, long leafIndex, String leafHash, String batchId, long treeSize, String merkleRoot, String keyId,
                         List<String> proof, String signedNote) {
    }

    @Override
    protected void run() {
        UUID event = Ids.parse("event id", eventId);
        UUID batch = batchId == null ? null : Ids.parse("batch id", batchId);
        LedgerProofs.Inclusion inclusion = new LedgerProofs(session.bean(MerkleLogStore.class)).inclusion(event, batch);
        HexFormat hex = HexFormat.of();
        InclusionView view = new InclusionView(event.toString(), inclusion.leafIndex(), hex.formatHex(inclusion.leafHash()),
                inclusion.checkpoint().batchId().toString(), inclusion.checkpoint().treeSize(), hex.formatHex(inclusion.checkpoint().root()),
                inclusion.checkpoint().keyId(), inclusion.proof().stream().map(hex::formatHex).toList(), inclusion.checkpoint().note());
        print(view, () -> {
            out().println("Inclusion Proof:");
            field("Event ID", view.eventId());
            field("Leaf Index", view.leafIndex());
            field("Leaf Hash", "0x" + view.leafHash());
            field("Checkpoint", view.batchId() + " (tree size " + view.treeSize() + ", key " + view.keyId() + ")");
            field("Merkle Root", "0x" + view.merkleRoot());
            ProofLines.print(out(), view.proof());
            field("Verified", "yes, against the signed root");
        });
    }
}
