package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** A command that prints a result: in text by default, or as JSON with {@code -o json}. */
public abstract class SessionCommand implements Callable<Integer> {
    /** A bound on one answer, so a query without filters cannot pull a whole table into memory or onto the terminal. */
    protected static final int MAX_LIMIT = 10_000;

    protected final CliSession session;

    @Mixin
    protected OutputOption output;

    protected SessionCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public final Integer call() {
        run();
        session.out().flush();
        return 0;
    }

    protected abstract void run();

    protected PrintWriter out() {
        return session.out();
    }

    /** Prints {@code view} as JSON when asked, otherwise runs the text renderer. */
    protected void print(Object view, Runnable text) {
        if (output.json()) {
            try {
                out().println(session.json().writeValueAsString(view));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            text.run();
        }
    }

    /** A labelled line of a detail block, as the runbook prints them. */
    protected void field(String label, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            out().println("  " + label + ": " + value);
        }
    }

    /** Refuses a {@code --limit} that would show nothing. */
    protected static void requireLimit(int limit) {
        if (limit < 1) {
            throw new InvalidInputException("limit must be at least 1, got " + limit);
        }
    }

    /** Refuses a {@code --limit} that would show nothing or more than {@link #MAX_LIMIT} rows. */
    protected static void requireBoundedLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    protected static String time(Instant instant) {
        return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
