package io.caracal.gateway.capacity;

import io.caracal.gateway.metrics.GatewayMetrics;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code max} client connections open at once (MAX_CONNECTIONS): one past it is closed as soon as it is
 * accepted, before anything is read from it, and counted. Micronaut's Netty server has no such setting; a server
 * customizer is told of every connection it accepts.
 */
public final class ConnectionLimit implements NettyServerCustomizer {
    private final int max;
    private final GatewayMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimit(int max, GatewayMetrics metrics) {
        if (max < 1) {
            throw new IllegalArgumentException("MAX_CONNECTIONS must be at least 1, got " + max);
        }
        this.max = max;
        this.metrics = metrics;
        metrics.connectionsOpen(open::get);
    }

    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
        if (role == ChannelRole.CONNECTION) {
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                metrics.connectionRefused();
                channel.close();
            } else {
                channel.closeFuture().addListener(closed -> open.decrementAndGet());
            }
        }
        return this;
    }
}
