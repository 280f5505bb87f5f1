package io.caracal.core.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.netty.handler.ssl.NotSslRecordException;
import reactor.core.Disposable;

import javax.net.ssl.SSLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis the processes share (budget counters, replay nonces, spend aggregates): one server, or a Redis Cluster
 * ({@link RedisSettings#cluster()}). Callers see only {@link RedisClusterCommands}, the sync commands both clients
 * implement, so nothing else knows which it is; what works on both is each command's and each script's keys
 * sharing one slot (a hash tag), and SCAN only off the request path.
 */
public final class SharedRedis implements AutoCloseable {
    private final RedisSettings settings;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> sync;
    /**
     * Why the last reconnect to each server was refused (credentials, TLS), until it connects again: a command
     * refused while disconnected says only that, and /ready should say that the password was refused or the
     * certificate not trusted.
     */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final Disposable events;

    private SharedRedis(RedisSettings settings, AbstractRedisClient client, StatefulConnection<String, String> connection,
                        RedisClusterCommands<String, String> sync) {
        this.settings = settings;
        this.client = client;
        this.connection = connection;
        this.sync = sync;
        this.events = client.getResources().eventBus().get().subscribe(event -> {
            if (event instanceof ReconnectFailedEvent failed) {
                refusal(failed.getCause()).ifPresent(reason -> refusals.put(String.valueOf(failed.remoteAddress()), reason));
            } else if (event instanceof ConnectionActivatedEvent activated) {
                refusals.remove(String.valueOf(activated.remoteAddress()));
            }
        });
    }

    /** Connects to a plain Redis URL: the server itself, or with {@code cluster} any node of the cluster. */
    public static SharedRedis connect(String uri, boolean cluster) {
        return connect(RedisSettings.of(uri, cluster));
    }

    /**
     * Connects as {@code settings} say, or throws a {@link RedisUnavailableException} naming why not: a refused
     * password and a failed TLS handshake stop a process at start with a message that says so. The PING is for a
     * server that wants a password none was given for: the connection opens, and only a command is refused.
     */
    public static SharedRedis connect(RedisSettings settings) {
        AbstractRedisClient client = settings.cluster() ? RedisConnections.cluster(settings) : RedisConnections.client(settings);
        StatefulConnection<String, String> connection = null;
        try {
            RedisClusterCommands<String, String> sync;
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<String, String> opened = cluster.connect();
                connection = opened;
                sync = opened.sync();
            } else {
                StatefulRedisConnection<String, String> opened = ((RedisClient) client).connect();
                connection = opened;
                sync = opened.sync();
            }
            sync.ping();
            return new SharedRedis(settings, client, connection, sync);
        } catch (RedisException e) {
            if (connection != null) {
                connection.close();
            }
            client.shutdown();
            throw new RedisUnavailableException(settings, refusal(e).orElseGet(() -> "cannot be reached: " + rootMessage(e)), e);
        }
    }

    /**
     * Why Redis refused this process, if it did: its credentials, or TLS; empty when it is merely down or slow.
     * Lettuce's own message says only "Unable to connect"; a cause (or, for a cluster, a failure per node, kept as
     * suppressed) says which. Neither carries the password: Redis answers WRONGPASS without echoing it, and TLS
     * fails before any command is sent.
     */
    static Optional<String> refusal(Throwable failure) {
        Deque<Throwable> pending = new ArrayDeque<>(List.of(failure));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Throwable cause = pending.pop();
            if (!seen.add(cause)) {
                continue;
            }
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof RedisCommandExecutionException && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH"))) {
                return Optional.of("refused the credentials (" + message.split(" ", 2)[0]
                        + "): check REDIS_PASSWORD and REDIS_USERNAME, or the user:password of REDIS_URL");
            }
            if (cause instanceof NotSslRecordException) {
                return Optional.of("does not answer in TLS on that port");
            }
            if (cause instanceof SSLException) {
                return Optional.of("failed the TLS handshake (" + message + "): its certificate must be issued for that host name"
                        + " by the CA of REDIS_TLS_CA_FILE, or when that is unset by one the JVM trusts");
            }
            if (cause.getCause() != null) {
                pending.push(cause.getCause());
            }
            pending.addAll(List.of(cause.getSuppressed()));
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /**
     * Whether Redis answers now. When it refuses this process (the last reconnect's refusal, or this PING's), a
     * {@link RedisUnavailableException} says why; when it is merely unreachable, Lettuce's exception as it is.
     */
    public void ping() {
        try {
            sync.ping();
        } catch (RedisException e) {
            Optional<String> refused = refusals.values().stream().findFirst().or(() -> refusal(e));
            if (refused.isEmpty()) {
                throw e;
            }
            throw new RedisUnavailableException(settings, refused.get(), e);
        }
    }

    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    @Override
    public String toString() {
        return settings.toString();
    }

    @Override
    public void close() {
        events.dispose();
        connection.close();
        client.shutdown();
    }
}
