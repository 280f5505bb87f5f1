package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs units of work in one transaction each and turns database failures an operator can act on into
 * messages that say what to do. Everything else is a bug and keeps its stack trace.
 * <p>
 * Each unit of work is counted and timed: {@code caracal_database_queries_total{kind,outcome}} and
 * {@code caracal_database_query_duration_seconds{kind,outcome}} (kind: transaction or statement; outcome: ok or
 * error). A unit is what one caller asked for, one round trip or a few in a transaction, not each SQL statement.
 */
public final class Database {
    private final DataSource dataSource;
    private final MeterRegistry registry;

    /** A database whose work is measured nowhere: for tools and tests that have no registry to report to. */
    public Database(DataSource dataSource) {
        this(dataSource, new CompositeMeterRegistry());
    }

    public Database(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T transaction(Work<T> work) {
        return measured("transaction", () -> inTransaction(work));
    }

    private <T> T inTransaction(Work<T> work) {
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
        return measured("statement", () -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                return work.run(connection);
            } catch (SQLException e) {
                throw translate(e);
            }
        });
    }

    private <T> T measured(String kind, Supplier<T> work) {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = work.get();
            outcome = "ok";
            return result;
        } finally {
            Tags tags = Tags.of("kind", kind, "outcome", outcome);
            Counter.builder("caracal.database.queries").description("Units of database work").tags(tags).register(registry).increment();
            Timer.builder("caracal.database.query.duration").description("Time of one unit of database work, connection wait included")
                    .tags(tags).publishPercentileHistogram().register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
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
