package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where backups live: {@code --dir}, or $CARACAL_HOME/backups. */
final class BackupDirectoryOption {
    @Option(names = "--dir", paramLabel = "DIR", description = "Backup directory (default: $CARACAL_HOME/backups).")
    Path dir;

    Path resolve(CliSession session) {
        return dir != null ? dir : session.home().resolve("backups");
    }
}
