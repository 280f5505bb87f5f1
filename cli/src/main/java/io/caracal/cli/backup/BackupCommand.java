package io.caracal.cli.backup;

import picocli.CommandLine.Command;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up the database (pg_dump) and the signed ledger (a verifiable bundle), list backups, and verify one.",
        subcommands = {BackupCreateCommand.class, BackupListCommand.class, BackupVerifyCommand.class})
public final class BackupCommand {
}
