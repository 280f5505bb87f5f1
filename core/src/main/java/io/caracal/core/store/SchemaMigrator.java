package io.caracal.core.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywaySqlException;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/** Applies and reports the Flyway migrations in {@code db/migration}. */
public final class SchemaMigrator {
    private final Flyway flyway;

    public SchemaMigrator(DataSource dataSource) {
        this.flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .cleanDisabled(true)
                .load();
    }

    public record Result(String fromVersion, String toVersion, int applied) {
    }

    public record Status(String currentVersion, String latestVersion, List<String> pending) {
        public boolean upToDate() {
            return pending.isEmpty();
        }
    }

    public Result migrate() {
        return reachable(() -> {
            MigrateResult result = flyway.migrate();
            return new Result(result.initialSchemaVersion, current(), result.migrationsExecuted);
        });
    }

    /**
     * Drops every object of the schema, recorded data included, and applies every migration again: the empty
     * database of {@code caracal db reset}. Only this call may clean; {@link #migrate()} never does.
     */
    public Result reset() {
        return reachable(() -> {
            Flyway.configure().configuration(flyway.getConfiguration()).cleanDisabled(false).load().clean();
            MigrateResult result = flyway.migrate();
            return new Result(result.initialSchemaVersion, current(), result.migrationsExecuted);
        });
    }

    public Status status() {
        return reachable(() -> {
            MigrationInfo[] all = flyway.info().all();
            List<String> pending = Arrays.stream(flyway.info().pending()).map(i -> "V" + i.getVersion() + " " + i.getDescription()).toList();
            String latest = all.length == 0 ? null : all[all.length - 1].getVersion().getVersion();
            return new Status(current(), latest, pending);
        });
    }

    /** Flyway wraps connection failures; report them as the stores do. */
    private static <T> T reachable(Supplier<T> work) {
        try {
            return work.get();
        } catch (FlywaySqlException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw Database.translate(sql);
            }
            throw e;
        }
    }

    private String current() {
        MigrationInfo current = flyway.info().current();
        return current == null ? null : current.getVersion().getVersion();
    }
}
