package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.ledger.Bundles;
import io.caracal.core.error.CaracalException;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a backup: every file's size and SHA-256 against its manifest, the database dump with 'pg_restore --list'"
                + " (when pg_restore is installed), and the ledger bundle offline as 'caracal ledger verify' does. Needs no database.")
final class BackupVerifyCommand extends SessionCommand {
    @Option(names = "--backup-id", required = true, description = "The backup's id, as 'caracal backup list' shows it.")
    String backupId;

    @Mixin
    BackupDirectoryOption location;

    BackupVerifyCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record Check(String file, String check, boolean passed, String detail) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record VerifyView(String backupId, boolean passed, List<Check> checks, Bundles.BundleView ledger) {
    }

    @Override
    protected void run() {
        Path backup = Backups.find(location.resolve(session), backupId);
        Manifest manifest = Backups.read(session, backup);
        List<Check> checks = new ArrayList<>();
        for (Manifest.FileEntry entry : manifest.files()) {
            Path file = backup.resolve(entry.name());
            if (!Files.isRegularFile(file)) {
                checks.add(new Check(entry.name(), "present", false, "missing"));
                continue;
            }
            String sha256 = Backups.sha256(file);
            checks.add(new Check(entry.name(), "checksum", sha256.equals(entry.sha256()), sha256.equals(entry.sha256()) ? "sha256 matches"
                    : "sha256 is " + sha256 + ", the manifest says " + entry.sha256()));
        }
        manifest.skipped().forEach(s -> checks.add(new Check(s.name(), "present", true, "skipped when created: " + s.reason())));
        boolean intact = checks.stream().allMatch(Check::passed);
        if (intact && Files.isRegularFile(backup.resolve(Manifest.DUMP))) {
            checks.add(restoreList(backup.resolve(Manifest.DUMP)));
        }
        Bundles.BundleView ledger = intact && Files.isRegularFile(backup.resolve(Manifest.BUNDLE))
                ? Bundles.verify(backup.resolve(Manifest.BUNDLE), List.of()) : null;
        boolean passed = checks.stream().allMatch(Check::passed) && (ledger == null || ledger.verification().passed());
        VerifyView view = new VerifyView(manifest.id(), passed, checks, ledger);
        print(view, () -> {
            out().println("Backup: " + view.backupId() + " (" + manifest.type() + (manifest.tag() == null ? "" : ", tag " + manifest.tag())
                    + ", created " + manifest.createdAt() + ")");
            view.checks().forEach(c -> out().println("  " + c.file() + " " + c.check() + ": " + (c.passed() ? "OK" : "FAILED") + " (" + c.detail() + ")"));
            if (ledger != null) {
                out().println();
                Bundles.printText(out(), ledger);
                out().println();
            }
            out().println("Backup Integrity: " + (passed ? "PASSED" : "FAILED"));
        });
        if (!passed) {
            out().flush();
            throw new Failed("backup " + manifest.id() + " FAILED verification");
        }
    }

    private Check restoreList(Path dump) {
        Optional<Path> pgRestore = PgTools.locate(session.env(), "PG_RESTORE", "pg_restore");
        if (pgRestore.isEmpty()) {
            return new Check(Manifest.DUMP, "pg_restore --list", true, "not checked: pg_restore is not installed (set PG_RESTORE)");
        }
        PgTools.Run run = PgTools.run(List.of(pgRestore.get().toString(), "--list", dump.toString()), java.util.Map.of());
        return new Check(Manifest.DUMP, "pg_restore --list", run.exitCode() == 0, run.exitCode() == 0
                ? run.output().lines().filter(l -> !l.startsWith(";") && !l.isBlank()).count() + " archive entries" : run.firstLine());
    }

    private static final class Failed extends CaracalException {
        Failed(String message) {
            super(message);
        }
    }
}
