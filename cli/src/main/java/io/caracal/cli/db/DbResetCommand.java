package io.caracal.cli.db;

import io.caracal.cli.CliSession;
import io.caracal.cli.ConnectionSettings;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.store.SchemaMigrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Drop every table of the schema, with all agents, policies, ledger, Merkle log, snapshots and audit rows, and"
                + " create it again empty at the latest version. For rebuilding from Kafka after corruption; refused without --confirm.")
final class DbResetCommand extends SessionCommand {
    @Option(names = "--confirm", description = "Required: you mean to delete everything in the database.")
    boolean confirm;

    DbResetCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        ConnectionSettings settings = session.connectionSettings();
        if (!confirm) {
            throw new InvalidInputException("db reset deletes everything in " + settings + "; run it again with --confirm if you mean it");
        }
        SchemaMigrator.Result result = session.bean(SchemaMigrator.class).reset();
        print(new DbCommand.MigrationView(settings.toString(), result.fromVersion(), result.toVersion(), result.applied()), () -> {
            out().println("Database reset:");
            field("Database", settings);
            field("Schema Version", result.toVersion());
            field("Migrations Applied", result.applied());
            out().println("Every table is empty. Next: `caracal replay start --from-timestamp ...` to rebuild from Kafka.");
        });
    }
}
