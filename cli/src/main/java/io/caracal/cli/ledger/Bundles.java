package io.caracal.cli.ledger;

import io.caracal.cli.merkle.VerificationReport;
import io.caracal.core.ledger.LedgerBundleVerifier;
import io.caracal.core.ledger.LedgerBundleWriter;
import io.caracal.core.config.MerkleSettings;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.cli.CliSession;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Writing a bundle file, and its offline verification and report: shared by the ledger and backup commands. */
public final class Bundles {
    private Bundles() {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record BundleView(String file, String origin, String exportedAt, String rangeStart, String rangeEnd, boolean keysFromBundle,
                             List<String> trustedKeyIds, VerificationReport.ReportView verification) {
    }

    public static BundleView verify(Path file, List<ECPublicKey> trusted) {
        try (InputStream in = Files.newInputStream(file)) {
            LedgerBundleVerifier.Result result = LedgerBundleVerifier.verify(new java.io.BufferedInputStream(in), trusted);
            return new BundleView(file.toString(), result.origin(), Objects.toString(result.exportedAt(), null),
                    Objects.toString(result.rangeStart(), null), Objects.toString(result.rangeEnd(), null), result.keysFromBundle(),
                    result.trustedKeyIds(), VerificationReport.view(result.report()));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("bundle file not found: " + file);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the bundle " + file + ": " + e.getMessage());
        }
    }

    private static String keyIds(BundleView view) {
        return view.trustedKeyIds().isEmpty() ? "none" : String.join(", ", view.trustedKeyIds());
    }

    public static void printText(PrintWriter out, BundleView view) {
        out.println("Ledger Bundle: " + view.file());
        out.println("  Origin: " + view.origin());
        out.println("  Exported At: " + view.exportedAt());
        out.println("  Range: " + (view.rangeStart() == null ? "whole ledger" : "events that occurred in [" + view.rangeStart() + ", "
                + view.rangeEnd() + ")"));
        if (view.keysFromBundle()) {
            out.println("  Trusted Keys: the keys in the bundle itself (" + keyIds(view) + ")");
            out.println("  NOTICE: no --public-key given, so this proves only that the bundle is consistent with the keys it carries."
                    + " Compare these key ids with the ones the operator publishes, or verify with --public-key.");
        } else {
            out.println("  Trusted Keys: " + keyIds(view) + " (given with --public-key)");
        }
        out.println();
        VerificationReport.printText(out, view.verification());
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ExportView(String file, int checkpoints, long events, long bytes, long unsignedEvents, List<String> keyIds) {
    }

    /** Writes the bundle beside {@code target} first, so a failed export never leaves a partial file under the name asked for. */
    public static ExportView export(CliSession session, Path target, LedgerBundleWriter.Format format, Instant start, Instant end) {
        Path absolute = target.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            Path partial = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".partial");
            try {
                LedgerBundleWriter.Summary summary;
                try (OutputStream out = Files.newOutputStream(partial)) {
                    summary = new LedgerBundleWriter(session.bean(MerkleLogStore.class)).write(out, format,
                            session.bean(MerkleSettings.class).getOrigin(), Instant.now(session.bean(Clock.class)), start, end);
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
