package io.caracal.cli.merkle;

import io.caracal.core.ledger.LedgerTamperedException;
import io.caracal.core.ledger.LedgerVerifier;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The runbook's "Verification Result" for every checkpoint a command checked, then one line per tampered event;
 * a failure is printed in full and ends with exit 1.
 */
public final class VerificationReport {
    private VerificationReport() {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record CheckpointView(String batchId, long firstLeaf, long treeSize, long eventCount, String merkleRoot, String keyId, String signature,
                          boolean rootMatches) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ProblemView(String eventId, Long leafIndex, String batchId, String problem) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ReportView(boolean passed, long eventsChecked, List<CheckpointView> checkpoints, List<ProblemView> tampered) {
    }

    public static ReportView view(LedgerVerifier.Report report) {
        return new ReportView(report.passed(), report.eventsChecked(), report.checkpoints().stream().map(c -> new CheckpointView(
                c.checkpoint().batchId().toString(), c.checkpoint().firstLeaf(), c.checkpoint().treeSize(),
                c.checkpoint().treeSize() - c.checkpoint().firstLeaf(), HexFormat.of().formatHex(c.checkpoint().root()), c.checkpoint().keyId(),
                c.signature(), c.rootMatches())).toList(),
                report.problems().stream().map(p -> new ProblemView(Objects.toString(p.eventId(), null), p.leafIndex(),
                        Objects.toString(p.batchId(), null), p.what())).toList());
    }

    public static void printText(PrintWriter out, ReportView report) {
        out.println("Verification Result:");
        for (CheckpointView c : report.checkpoints()) {
            out.println("  Batch ID: " + c.batchId());
            out.printf("  Event Count: %,d (leaves %d to %d)%n", c.eventCount(), c.firstLeaf(), c.treeSize() - 1);
            out.println("  Merkle Root: 0x" + c.merkleRoot());
            out.println("  Signature: " + c.signature() + " (key " + c.keyId() + ")");
            out.println("  Root: " + (c.rootMatches() ? "matches the ledger" : "does NOT match the ledger"));
            out.println();
        }
        out.println("  Events Checked: " + report.eventsChecked());
        out.println("  Integrity: " + (report.passed() ? "PASSED" : "FAILED"));
        out.println("  Tamper Detected: " + (report.tampered().isEmpty() && report.passed() ? "No" : "Yes"));
        for (ProblemView p : report.tampered()) {
            out.println("    " + (p.eventId() == null ? "" : "Event " + p.eventId() + (p.leafIndex() == null ? "" : " (leaf " + p.leafIndex() + ")") + ": ")
                    + p.problem() + (p.batchId() == null ? "" : " [checkpoint " + p.batchId() + "]"));
        }
    }

    /** Ends a command whose verification failed: the report is on stdout, this is the one line on stderr. */
    public static void failIfTampered(ReportView report, PrintWriter out) {
        if (!report.passed()) {
            out.flush();
            throw new LedgerTamperedException("ledger integrity FAILED: " + report.tampered().size() + " problem(s) found");
        }
    }
}
