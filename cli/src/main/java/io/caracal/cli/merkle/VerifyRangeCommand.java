package io.caracal.cli.merkle;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.TrustedKeysOption;
import io.caracal.cli.Times;
import io.caracal.core.ledger.LedgerVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;

@Command(name = "verify-range", mixinStandardHelpOptions = true,
        description = "Verify every checkpoint covering events that occurred in [start, end), and find events in that range that no"
                + " checkpoint covers.")
final class VerifyRangeCommand extends SessionCommand {
    @Option(names = {"--start-time", "--start"}, required = true, paramLabel = "TIME", description = "Inclusive: " + Times.FORMS + ".")
    String startTime;

    @Option(names = {"--end-time", "--end"}, required = true, paramLabel = "TIME", description = "Exclusive: " + Times.FORMS + ".")
    String endTime;

    @Mixin
    TrustedKeysOption trusted;

    VerifyRangeCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        Instant now = session.bean(Clock.class).instant();
        Instant start = Times.parseOptional("start-time", startTime, now);
        Instant end = Times.parseOptional("end-time", endTime, now);
        Times.requireOrdered(start, end);
        LedgerVerifier.Report report = trusted.verifier(session).verifyRange(start, end);
        VerificationReport.ReportView view = VerificationReport.view(report);
        print(view, () -> VerificationReport.printText(out(), view));
        VerificationReport.failIfTampered(view, out());
    }
}
