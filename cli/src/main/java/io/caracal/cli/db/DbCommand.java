package io.caracal.cli.db;

import io.caracal.cli.CliSession;
import io.caracal.cli.ConnectionSettings;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.store.Database;
import io.caracal.core.store.SchemaMigrator;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

@Command(name = "db", mixinStandardHelpOptions = true, description = "Create, migrate, check, query (read only), reset the database, and rotate its password.",
        subcommands = {DbCommand.Init.class, DbCommand.Migrate.class, DbCommand.HealthCheck.class, DbQueryCommand.class, DbResetCommand.class,
                DbRotatePasswordCommand.class})
public final class DbCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record MigrationView(String database, String fromVersion, String toVersion, int applied) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record HealthView(String database, String connection, String server, String schemaVersion, String latestVersion,
                             List<String> pendingMigrations, String status) {
    }

    /** Init and migrate up both bring the schema to the latest version and report what they did. */
    abstract static class MigratingCommand extends SessionCommand {
        MigratingCommand(CliSession session) {
            super(session);
        }

        void migrate(String doneHeading, String upToDateHeading) {
            ConnectionSettings settings = session.connectionSettings();
            SchemaMigrator.Result result = session.bean(SchemaMigrator.class).migrate();
            print(new MigrationView(settings.toString(), result.fromVersion(), result.toVersion(), result.applied()), () -> {
                out().println(result.applied() == 0 ? upToDateHeading : doneHeading);
                field("Database", settings);
                field("Schema Version", result.toVersion());
                field("Migrations Applied", result.applied());
            });
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the schema in an empty database. Safe to run again: an initialised database is left as it is.")
    static final class Init extends MigratingCommand {
        Init(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            ConnectionSettings settings = session.connectionSettings();
            if (!settings.embedded()) {
                createDatabaseIfMissing(settings);
            }
            migrate("Database initialised successfully:", "Database already initialised:");
        }

        /** A fresh server has only its maintenance database; creating ours saves the operator a psql step. */
        private static void createDatabaseIfMissing(ConnectionSettings settings) {
            try (Connection ignored = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
                return;
            } catch (SQLException e) {
                if (!"3D000".equals(e.getSQLState())) {
                    return; // the migration reports connection problems in the usual way
                }
            }
            String maintenance = "jdbc:postgresql://" + settings.host() + ":" + settings.port() + "/postgres";
            try (Connection c = DriverManager.getConnection(maintenance, settings.user(), settings.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + settings.database().replace("\"", "\"\"") + "\"");
            } catch (SQLException e) {
                throw new StorageUnavailableException("database " + settings.database() + " does not exist and could not be created: "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Schema migrations.", subcommands = MigrateUp.class)
    static final class Migrate {
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Apply every pending migration.")
    static final class MigrateUp extends MigratingCommand {
        MigrateUp(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            migrate("Database migrated successfully:", "Database schema is up to date:");
        }
    }

    @Command(name = "health-check", mixinStandardHelpOptions = true,
            description = "Check connectivity, schema version and pending migrations; exits non-zero unless all is well.")
    static final class HealthCheck extends SessionCommand {
        HealthCheck(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            ConnectionSettings settings = session.connectionSettings();
            String server = session.bean(Database.class).transaction(c -> {
                var meta = c.getMetaData();
                return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
            });
            SchemaMigrator.Status status = session.bean(SchemaMigrator.class).status();
            String verdict = status.currentVersion() == null ? "NOT INITIALISED" : status.upToDate() ? "HEALTHY" : "MIGRATIONS PENDING";
            print(new HealthView(settings.toString(), "OK", server, status.currentVersion(), status.latestVersion(), status.pending(), verdict), () -> {
                out().println("Database Health Check:");
                field("Database", settings);
                field("Connection", "OK");
                field("Server", server);
                field("Schema Version", status.currentVersion() == null ? "none" : status.currentVersion());
                field("Latest Version", status.latestVersion());
                field("Pending Migrations", status.pending().size() + (status.upToDate() ? "" : " (" + String.join(", ", status.pending()) + ")"));
                field("Status", verdict);
            });
            if (!status.upToDate()) {
                throw new StorageUnavailableException(status.pending().size() + " migration(s) pending: run `caracal db migrate up`", null);
            }
        }
    }
}
