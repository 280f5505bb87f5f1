package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups in the backup directory, newest first.")
final class BackupListCommand extends SessionCommand {
    @Mixin
    BackupDirectoryOption location;

    BackupListCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        Path directory = location.resolve(session);
        List<Manifest> backups = List.of();
        if (Files.isDirectory(directory)) {
            // Unfinished backups are hidden (".<id>.partial") and have no manifest until they are complete.
            try (Stream<Path> entries = Files.list(directory)) {
                backups = entries.filter(p -> Files.isRegularFile(p.resolve(Manifest.FILE)) && !p.getFileName().toString().startsWith("."))
                        .map(p -> Backups.read(session, p))
                        .sorted(Comparator.comparing(Manifest::createdAt).reversed())
                        .toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        List<Manifest> view = backups;
        print(view, () -> {
            Table table = new Table("BACKUP ID", "CREATED", "TYPE", "TAG", "SIZE", "DUMP");
            view.forEach(m -> table.row(m.id(), m.createdAt(), m.type(), m.tag(), m.size(), m.dump()));
            table.print(out());
        });
    }
}
