package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Times;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.LedgerBundleWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the signed ledger to one bundle file: every checkpointed batch with its events and signed note, what ties"
                + " them to the signed roots, and the public keys. Binary by default (compact, streamed in bounded memory); --format json"
                + " for people. With --start-time/--end-time, only the batches holding an event that occurred in that range. Events not"
                + " yet under a checkpoint are left out.")
final class ExportCommand extends SessionCommand {
    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "The bundle file to write (replaced if it exists). Not --output: that is -o, the output format of every command.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "binary",
            description = "binary or json (default: ${DEFAULT-VALUE}); 'ledger verify --bundle' reads both.")
    LedgerBundleWriter.Format format;

    @Option(names = "--start-time", paramLabel = "TIME", description = "Inclusive, with --end-time: " + Times.FORMS + ".")
    String startTime;

    @Option(names = "--end-time", paramLabel = "TIME", description = "Exclusive, with --start-time (same forms).")
    String endTime;

    ExportCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        Instant now = session.bean(Clock.class).instant();
        Instant start = Times.parseOptional("start-time", startTime, now);
        Instant end = Times.parseOptional("end-time", endTime, now);
        if ((start == null) != (end == null)) {
            throw new InvalidInputException("give both --start-time and --end-time, or neither for the whole ledger");
        }
        Times.requireOrdered(start, end);
        Bundles.ExportView view = Bundles.export(session, file, format, start, end);
        print(view, () -> {
            out().println("Ledger bundle written:");
            field("File", view.file());
            field("Checkpoints", view.checkpoints());
            field("Events", view.events());
            field("Size", view.bytes() + " bytes");
            field("Signing Keys", String.join(", ", view.keyIds()));
            if (view.unsignedEvents() > 0) {
                out().println("  " + view.unsignedEvents() + " events not yet signed, not exported");
            }
        });
    }
}
