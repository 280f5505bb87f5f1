package io.caracal.core.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;

import java.time.Duration;

/**
 * Redis clients for the budget store. Lettuce's defaults would queue commands while disconnected and wait a
 * minute for an answer: for a fail-closed budget store a request must instead be refused at once when Redis
 * is gone, and within seconds when it is slow.
 */
public final class RedisConnections {
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private RedisConnections() {
    }

    public static RedisClient client(String uri) {
        RedisClient client = RedisClient.create(uri);
        client.setDefaultTimeout(COMMAND_TIMEOUT);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        return client;
    }
}
