package io.caracal.cli.db;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.store.Database;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Run one SQL statement in a READ ONLY transaction and print its rows: for looking, never for changing"
                + " (an INSERT, UPDATE, DELETE or DDL is refused by PostgreSQL).")
final class DbQueryCommand extends SessionCommand {
    @Parameters(paramLabel = "SQL", description = "The statement, e.g. \"SELECT count(*) FROM ledger_events\".")
    String sql;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Print at most this many rows, 1 to " + MAX_LIMIT
            + " (default: ${DEFAULT-VALUE}).")
    int limit;

    DbQueryCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ResultView(List<String> columns, List<Map<String, String>> rows, boolean truncated) {
    }

    @Override
    protected void run() {
        requireBoundedLimit(limit);
        if (sql.isBlank()) {
            throw new InvalidInputException("the SQL statement is empty");
        }
        ResultView result = session.bean(Database.class).transaction(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
                st.setMaxRows(limit + 1);
                if (!st.execute(sql)) {
                    throw new InvalidInputException("the statement returned no rows; db query is for SELECT (and other statements that return rows)");
                }
                return read(st.getResultSet());
            } catch (SQLException e) {
                // The operator's statement failed (a typo, a missing table, a write refused): the server's reason is the answer.
                throw new InvalidInputException("query failed: " + e.getMessage().lines().findFirst().orElse(""));
            }
        });
        print(result, () -> {
            Table table = new Table(result.columns().toArray(String[]::new));
            result.rows().forEach(row -> table.row(row.values().stream().map(v -> v == null ? "NULL" : v).toArray()));
            table.print(out());
            out().println("(" + result.rows().size() + " row" + (result.rows().size() == 1 ? "" : "s")
                    + (result.truncated() ? ", more not shown: raise --limit" : "") + ")");
        });
    }

    private ResultView read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == limit) {
                truncated = true;
                break;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns.size(); i++) {
                // Duplicate labels (SELECT a.id, b.id) keep both, numbered, rather than losing one.
                String name = row.containsKey(columns.get(i - 1)) ? columns.get(i - 1) + "_" + i : columns.get(i - 1);
                row.put(name, rs.getString(i));
            }
            rows.add(row);
        }
        return new ResultView(columns, rows, truncated);
    }
}
