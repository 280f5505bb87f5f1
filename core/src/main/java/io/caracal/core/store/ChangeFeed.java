package io.caracal.core.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells in-process caches which tables changed, from PostgreSQL's LISTEN/NOTIFY (the caracal_notify_change
 * trigger), on one connection of its own and a daemon thread. A notification sent while nobody listened is lost
 * for good, so subscribers hear {@link Subscriber#lost()} when the connection fails and
 * {@link Subscriber#listening()} once it listens again: in between, nothing they remember can be trusted.
 */
public final class ChangeFeed implements AutoCloseable {
    public static final String CHANNEL = "caracal_changes";
    /**
     * How long a cached read may be served without a change notice: the backstop for a listening connection that
     * died without an error. Every change heard invalidates at once, so this bounds only that rare case.
     */
    public static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    /** How long one wait for notifications lasts: also how long {@link #close()} may wait for the thread. */
    private static final int POLL_MILLIS = 250;
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    public interface Subscriber {
        void changed(String table);

        /** Changes may go unheard from now on, and until {@link #listening()}. */
        void lost();

        /** Every change committed from now on will be heard; earlier ones may not have been. */
        void listening();
    }

    private final DataSource dataSource;
    private final List<Subscriber> subscribers = new ArrayList<>(); // guarded by this
    private boolean listening; // guarded by this
    private volatile boolean closed;
    private final DatabaseOutage outage;
    private final Thread thread = new Thread(this::run, "caracal-change-feed");

    public ChangeFeed(DataSource dataSource, DatabaseOutage outage) {
        this.dataSource = dataSource;
        this.outage = outage;
        thread.setDaemon(true);
    }

    public ChangeFeed start() {
        thread.start();
        return this;
    }

    public synchronized void subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
        if (listening) {
            subscriber.listening();
        }
    }

    /** Shared by the feed's caches: when one finds PostgreSQL unreachable, the others answer from memory too (see {@link ChangeCache}). */
    DatabaseOutage outage() {
        return outage;
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                listen(connection);
                retry = FIRST_RETRY;
            } catch (SQLException | RuntimeException e) {
                announce(false);
                if (closed) {
                    return;
                }
                LOG.warn("not listening for changes (caches read through to PostgreSQL until it listens again): {}", e.getMessage());
                try {
                    Thread.sleep(retry.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
            }
        }
    }

    /** Listens until closed; the connection goes back to the pool without its LISTEN, or broken. */
    private void listen(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        announce(true);
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    dispatch(notification.getParameter());
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN " + CHANNEL);
        }
    }

    private synchronized void announce(boolean nowListening) {
        listening = nowListening;
        for (Subscriber subscriber : subscribers) {
            if (nowListening) {
                subscriber.listening();
            } else {
                subscriber.lost();
            }
        }
    }

    private synchronized void dispatch(String table) {
        for (Subscriber subscriber : subscribers) {
            subscriber.changed(table);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
