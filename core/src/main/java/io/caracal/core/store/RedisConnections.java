package io.caracal.core.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;

/**
 * Redis clients for the budget store, the one place every process (gateway, consumers, CLI) gets them from.
 * Lettuce's defaults would queue commands while disconnected and wait a minute for an answer: for a fail-closed
 * budget store a request must instead be refused at once when Redis is gone, and within seconds when it is slow.
 */
public final class RedisConnections {
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** How often a cluster client re-reads the cluster's shape even when no redirect or reconnect told it to. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private RedisConnections() {
    }

    /** A client for a plain Redis URL, trusted through the JVM's trust store when it is {@code rediss://}. */
    public static RedisClient client(String uri) {
        return client(RedisSettings.of(uri, false));
    }

    public static RedisClient client(RedisSettings settings) {
        RedisClient client = RedisClient.create(settings.uri());
        client.setDefaultTimeout(COMMAND_TIMEOUT);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .sslOptions(settings.sslOptions())
                .build());
        return client;
    }

    /**
     * A Redis Cluster client seeded by the settings' server (any node, or a managed service's configuration
     * endpoint); the nodes it learns of are reached with the seed's password and TLS. It learns the slot map from
     * the cluster and re-reads it on a MOVED or ASK redirect and on reconnects, so a failover or resharding
     * re-routes commands instead of failing them until the next periodic refresh.
     */
    public static RedisClusterClient cluster(RedisSettings settings) {
        RedisClusterClient client = RedisClusterClient.create(settings.uri());
        client.setDefaultTimeout(COMMAND_TIMEOUT);
        client.setOptions(ClusterClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .sslOptions(settings.sslOptions())
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .build())
                .build());
        return client;
    }
}
