package io.caracal.core.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * The Redis the processes share (budget counters, replay nonces, spend aggregates): one server, or a Redis Cluster
 * ({@code caracal.redis.cluster}, REDIS_CLUSTER). Callers see only {@link RedisClusterCommands}, the sync commands
 * both clients implement, so nothing else knows which it is; what works on both is each command's and each script's
 * keys sharing one slot (a hash tag), and SCAN only off the request path.
 */
public final class SharedRedis implements AutoCloseable {
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> sync;

    private SharedRedis(AbstractRedisClient client, StatefulConnection<String, String> connection, RedisClusterCommands<String, String> sync) {
        this.client = client;
        this.connection = connection;
        this.sync = sync;
    }

    /** Connects to {@code uri}: the server itself, or with {@code cluster} any node of the cluster. */
    public static SharedRedis connect(String uri, boolean cluster) {
        if (cluster) {
            RedisClusterClient client = RedisConnections.cluster(uri);
            try {
                StatefulRedisClusterConnection<String, String> connection = client.connect();
                return new SharedRedis(client, connection, connection.sync());
            } catch (RedisException e) {
                client.shutdown();
                throw e;
            }
        }
        RedisClient client = RedisConnections.client(uri);
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            return new SharedRedis(client, connection, connection.sync());
        } catch (RedisException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisClusterCommands<String, String> sync() {
        return sync;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
