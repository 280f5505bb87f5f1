package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.TrustedKeysOption;
import io.caracal.core.error.Ids;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.ledger.LedgerVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.UUID;

@Command(name = "verify-batch", mixinStandardHelpOptions = true,
        description = "Verify one checkpointed batch: its signature, its root against the ledger as it is now, and every event in it.")
final class VerifyBatchCommand extends SessionCommand {
    @Option(names = "--batch-id", required = true, description = "The checkpoint's batch id.")
    String batchId;

    @Mixin
    TrustedKeysOption trusted;

    VerifyBatchCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("batch id", batchId);
        LedgerVerifier.Report report = trusted.verifier(session).verifyBatch(id)
                .orElseThrow(() -> new NotFoundException("checkpoint batch", id));
        VerificationReport.ReportView view = VerificationReport.view(report);
        print(view, () -> VerificationReport.printText(out(), view));
        VerificationReport.failIfTampered(view, out());
    }
}
