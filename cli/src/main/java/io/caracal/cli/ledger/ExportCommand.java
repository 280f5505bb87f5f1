package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Times;
import io.caracal.core.bundle.LedgerBundleWriter;
import io.caracal.core.config.MerkleSettings;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.store.MerkleLogStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the signed ledger to one JSON bundle: every checkpointed batch with its events, signed notes, the proofs"
                + " tying them to the signed roots and the public keys. With --start-time/--end-time, only the batches holding an event"
                + " that occurred in that range. Events not yet under a checkpoint are left out.")
final class ExportCommand extends SessionCommand {
    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "The bundle file to write (replaced if it exists). Not --output: that is -o, the output format of every command.")
    Path file;

    @Option(names = "--start-time", description = "ISO-8601 UTC, inclusive (with --end-time).")
    String startTime;

    @Option(names = "--end-time", description = "ISO-8601 UTC, exclusive (with --start-time).")
    String endTime;

    ExportCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ExportView(String file, int checkpoints, long events, long bytes, long unsignedEvents, List<String> keyIds) {
    }

    @Override
    protected void run() {
        Instant start = Times.parseOptional("start-time", startTime);
        Instant end = Times.parseOptional("end-time", endTime);
        if ((start == null) != (end == null)) {
            throw new InvalidInputException("give both --start-time and --end-time, or neither for the whole ledger");
        }
        Times.requireOrdered(start, end);
        ExportView view = export(session, file, start, end);
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

    /** Writes the bundle beside {@code target} first, so a failed export never leaves a partial file under the name asked for. */
    static ExportView export(CliSession session, Path target, Instant start, Instant end) {
        Path absolute = target.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path partial = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".partial");
            try {
                LedgerBundleWriter.Summary summary;
                try (OutputStream out = Files.newOutputStream(partial)) {
                    summary = new LedgerBundleWriter(session.bean(MerkleLogStore.class)).write(out, session.bean(MerkleSettings.class).getOrigin(),
                            Instant.now(session.bean(Clock.class)), start, end);
                }
                Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return new ExportView(absolute.toString(), summary.checkpoints(), summary.events(), Files.size(absolute), summary.unsigned(),
                        summary.keyIds());
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot write the bundle " + absolute + ": " + e.getMessage());
        }
    }
}
