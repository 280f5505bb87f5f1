package io.caracal.cli.audit;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.CaracalException;
import io.caracal.core.audit.AuditStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;

import java.util.HexFormat;
import java.util.Objects;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Recompute the audit log's hash chain from the first row; exit 1 and name the first row that was changed, removed or inserted.")
final class AuditVerifyCommand extends SessionCommand {

    AuditVerifyCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record VerificationView(boolean intact, long rowsChecked, String headHash, Long brokenSeq, String brokenEventId, String brokenTopic,
                            String problem) {
    }

    @Override
    protected void run() {
        AuditStore.Verification result = session.bean(AuditStore.class).verify();
        AuditStore.Break broken = result.broken().orElse(null);
        String head = HexFormat.of().formatHex(result.headHash());
        print(new VerificationView(result.intact(), result.checked(), head, broken == null ? null : broken.seq(),
                broken == null ? null : Objects.toString(broken.eventId(), null), broken == null ? null : broken.topic(),
                broken == null ? null : broken.problem()), () -> {
            if (broken == null) {
                out().println("Audit log integrity: PASSED (" + result.checked() + " rows checked)");
                out().println("Head hash: " + head);
            } else {
                out().println("Audit log integrity: FAILED");
                out().println("Tamper Detected: " + describe(broken));
            }
        });
        if (broken != null) {
            out().flush();
            throw new Tampered("the audit log failed verification at row " + broken.seq());
        }
    }

    private static String describe(AuditStore.Break broken) {
        String row = "row " + broken.seq();
        if (broken.eventId() != null) {
            row += " (event " + broken.eventId() + ", topic " + broken.topic() + ")";
        }
        return row + ": " + broken.problem();
    }

    /** A failed verification is a result (printed in full on stdout) and a failure (exit 1, one line on stderr). */
    private static final class Tampered extends CaracalException {
        Tampered(String message) {
            super(message);
        }
    }
}
