package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.TrustedKeysOption;
import io.caracal.cli.Times;
import io.caracal.core.ledger.LedgerVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;

@Command(name = "verify-range", mixinStandardHelpOptions = true,
        description = "Verify every checkpoint covering events that occurred in [start, end), and find events in that range that no"
                + " checkpoint covers.")
final class VerifyRangeCommand extends SessionCommand {
    @Option(names = "--start-time", required = true, description = "ISO-8601 UTC, inclusive.")
    String startTime;

    @Option(names = "--end-time", required = true, description = "ISO-8601 UTC, exclusive.")
    String endTime;

    @Mixin
    TrustedKeysOption trusted;

    VerifyRangeCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        Instant start = Times.parseOptional("start-time", startTime);
        Instant end = Times.parseOptional("end-time", endTime);
        Times.requireOrdered(start, end);
        LedgerVerifier.Report report = trusted.verifier(session).verifyRange(start, end);
        VerificationReport.ReportView view = VerificationReport.view(report);
        print(view, () -> VerificationReport.printText(out(), view));
        VerificationReport.failIfTampered(view, out());
    }
}
