package io.caracal.cli.db;

import io.caracal.cli.CliSession;
import io.caracal.cli.NewPasswordOption;
import io.caracal.cli.SessionCommand;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.store.Database;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

@Command(name = "rotate-password", mixinStandardHelpOptions = true,
        description = "Give a PostgreSQL role (default: the one the CLI connects as) a new random password (ALTER ROLE, sent as a"
                + " SCRAM-SHA-256 verifier, so the password itself never reaches the server's logs). Sessions already open stay"
                + " connected; then update DB_PASSWORD in every function's secret and restart them.")
final class DbRotatePasswordCommand extends SessionCommand {
    @Option(names = "--role", paramLabel = "ROLE", description = "The role whose password changes (default: the connecting user).")
    String role;

    @Mixin
    NewPasswordOption password;

    DbRotatePasswordCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RotatedView(String role, String password, String passwordFile) {
    }

    @Override
    protected void run() {
        String secret = password.generate();
        password.save(secret);
        String rotated = session.bean(Database.class).transaction(c -> {
            String target = role;
            if (target == null) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
                    rs.next();
                    target = rs.getString(1);
                }
            }
            try {
                // pgjdbc hashes client side and sends ALTER ROLE ... PASSWORD 'SCRAM-SHA-256$...'.
                c.unwrap(PGConnection.class).alterUserPassword(target, secret.toCharArray(), "scram-sha-256");
            } catch (SQLException e) {
                // The server's reason (no such role, not allowed) never holds the password: only its verifier was sent.
                throw new InvalidInputException("cannot change the password of role " + target + ": "
                        + e.getMessage().lines().findFirst().orElse("") + (password.file() == null ? "" : "; the password in "
                        + password.file() + " was not set"));
            }
            return target;
        });
        RotatedView view = new RotatedView(rotated, password.shown(secret), password.file());
        print(view, () -> {
            out().println("Database password rotated:");
            field("Role", rotated);
            field("New Password", password.where());
            if (view.password() != null) {
                out().println(view.password());
            }
            out().println("Next: set DB_PASSWORD to it in the functions' secret and restart them.");
        });
    }
}
