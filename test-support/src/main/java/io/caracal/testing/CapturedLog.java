package io.caracal.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Every log event of the JVM while open, with the Redis client (Lettuce) at DEBUG, more than a process logs in
 * production: the proof that a secret never reaches a log line, its message or any exception in it.
 */
public final class CapturedLog implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger lettuce = (Logger) LoggerFactory.getLogger("io.lettuce");
    private final Level lettuceLevel = lettuce.getLevel();

    private CapturedLog() {
        appender.start();
        root().addAppender(appender);
        lettuce.setLevel(Level.DEBUG);
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Each event as text: its message, then every exception in it (causes, suppressed) with its message. */
    public List<String> lines() {
        // The appender appends under its own lock, from whichever thread logs.
        synchronized (appender) {
            return appender.list.stream().map(event -> event.getFormattedMessage() + describe(event.getThrowableProxy())).toList();
        }
    }

    private static String describe(IThrowableProxy throwable) {
        if (throwable == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(" | ").append(throwable.getClassName()).append(": ").append(throwable.getMessage())
                .append(describe(throwable.getCause()));
        for (IThrowableProxy suppressed : throwable.getSuppressed()) {
            text.append(describe(suppressed));
        }
        return text.toString();
    }

    /** Fails naming the line (with the secret masked) that holds any of {@code secrets}. */
    public void assertNoneContains(String... secrets) {
        for (String line : lines()) {
            for (String secret : secrets) {
                if (line.contains(secret)) {
                    throw new AssertionError("a secret was logged: " + line.replace(secret, "<secret>"));
                }
            }
        }
    }

    @Override
    public void close() {
        root().detachAppender(appender);
        lettuce.setLevel(lettuceLevel);
    }
}
