package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs units of work in one transaction each and turns database failures an operator can act on into
 * messages that say what to do. Everything else is a bug and keeps its stack trace.
 */
public final class Database {
    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T transaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    // The connection broke (the server went away): the pool then says only "Connection is closed",
                    // without a state, which would hide the original failure and turn an unreachable database into
                    // an unexpected error. The original is what happened; the rollback failure rides along.
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Work that is one statement, committed by the statement itself: a round trip less than {@link #transaction}. */
    public <T> T statement(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    static RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("42P01")) {
            return new StorageUnavailableException("the database schema is not initialised: run `caracal db init`", e);
        }
        // 08: the connection failed; 57P0x: the server ended it (shutting down, crashed, still starting up, or the
        // session was ended), which is how a restart or a failover looks from here.
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("3D000") || state.equals("28P01") || state.equals("28000")) {
            return new StorageUnavailableException("cannot reach the database: " + firstLine(rootMessage(e)), e);
        }
        // The pool had no connection free within its timeout and the server gave no reason (else its state is
        // above): every connection is busy, so the caller fails closed, as on an unreachable database.
        if (e instanceof java.sql.SQLTransientConnectionException) {
            return new StorageUnavailableException("no database connection free within the pool's timeout: " + firstLine(e.getMessage()), e);
        }
        return new IllegalStateException("database error " + state + ": " + firstLine(e.getMessage()), e);
    }

    /** A pool reports "connection not available"; the driver's own message under it says why. */
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
