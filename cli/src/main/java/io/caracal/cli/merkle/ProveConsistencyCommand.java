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

@Command(name = "prove-consistency", mixinStandardHelpOptions = true,
        description = "An RFC 6962 consistency proof that a later checkpoint's tree only appends to an earlier one's (nothing"
                + " signed before was changed, removed or reordered), with both signed notes.")
final class ProveConsistencyCommand extends SessionCommand {
    @Option(names = "--from-batch-id", required = true, description = "The earlier checkpoint.")
    String fromBatchId;

    @Option(names = "--to-batch-id", required = true, description = "The later checkpoint.")
    String toBatchId;

    ProveConsistencyCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ConsistencyView(String fromBatchId, long fromTreeSize, String fromRoot, String fromSignedNote, String toBatchId, long toTreeSize,
                           String toRoot, String toSignedNote, List<String> proof) {
    }

    @Override
    protected void run() {
        LedgerProofs.Consistency consistency = new LedgerProofs(session.bean(MerkleLogStore.class))
                .consistency(Ids.parse("from batch id", fromBatchId), Ids.parse("to batch id", toBatchId));
        HexFormat hex = HexFormat.of();
        ConsistencyView view = new ConsistencyView(consistency.from().batchId().toString(), consistency.from().treeSize(),
                hex.formatHex(consistency.from().root()), consistency.from().note(), consistency.to().batchId().toString(),
                consistency.to().treeSize(), hex.formatHex(consistency.to().root()), consistency.to().note(),
                consistency.proof().stream().map(hex::formatHex).toList());
        print(view, () -> {
            out().println("Consistency Proof:");
            field("From", view.fromBatchId() + " (tree size " + view.fromTreeSize() + ", root 0x" + view.fromRoot() + ")");
            field("To", view.toBatchId() + " (tree size " + view.toTreeSize() + ", root 0x" + view.toRoot() + ")");
            ProofLines.print(out(), view.proof());
            field("Verified", "yes, between the two signed roots");
        });
    }
}
