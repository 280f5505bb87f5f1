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

@Command(name = "verify-event", mixinStandardHelpOptions = true,
        description = "Verify one ledger event: its leaf, and the checkpoint whose signed root includes it.")
final class VerifyEventCommand extends SessionCommand {
    @Option(names = "--event-id", required = true, description = "The ledger event id.")
    String eventId;

    @Mixin
    TrustedKeysOption trusted;

    VerifyEventCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("event id", eventId);
        LedgerVerifier.Report report = trusted.verifier(session).verifyEvent(id)
                .orElseThrow(() -> new NotFoundException("event in the Merkle log", id));
        VerificationReport.ReportView view = VerificationReport.view(report);
        print(view, () -> VerificationReport.printText(out(), view));
        VerificationReport.failIfTampered(view, out());
    }
}
