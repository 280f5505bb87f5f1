package io.caracal.gateway;

import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link GatewayFixture} for tests in other packages (the Lambda handlers'). */
public final class GatewayTestAccess implements AutoCloseable {
    private final GatewayFixture fixture;
    private final Map<String, GatewayFixture.Caller> callers = new ConcurrentHashMap<>();

    private GatewayTestAccess(GatewayFixture fixture) {
        this.fixture = fixture;
    }

    /** A gateway started with {@code environments} (the Lambda handlers') and {@code settings} beside the fixture's. */
    public static GatewayTestAccess start(String database, String[] environments, Map<String, Object> settings) throws IOException {
        return new GatewayTestAccess(new GatewayFixture(database, environments, settings));
    }

    public ApplicationContext context() {
        return fixture.gateway;
    }

    /** A new agent with a daily budget; returns its API key. */
    public String callerKey(String dailyLimit) {
        GatewayFixture.Caller caller = fixture.caller(dailyLimit);
        callers.put(caller.key(), caller);
        return caller.key();
    }

    /** The agent whose API key {@code key} is. */
    public io.caracal.core.agent.Agent agentOf(String key) {
        return callers.get(key).agent();
    }

    public BigDecimal spentBy(String key) {
        return fixture.spent(callers.get(key));
    }

    /** The headers of the last request the upstream received. */
    public Map<String, List<String>> lastSeenHeaders() {
        Map<String, List<String>> last = null;
        for (Map<String, List<String>> seen : fixture.seenHeaders) {
            last = seen;
        }
        return last == null ? Map.of() : new HashMap<>(last);
    }

    /** The SHA-256 (hex) of the body of the last request the upstream received, as it arrived there. */
    public String lastReceivedBodySha256() {
        GatewayFixture.Received last = null;
        for (GatewayFixture.Received received : fixture.received) {
            last = received;
        }
        return last == null ? null : last.sha256();
    }

    /** From now on the upstream's streams (paths ending in /stream) send both their events at once. */
    public void releaseStreams() {
        fixture.releaseStream.countDown();
    }

    @Override
    public void close() {
        fixture.close();
    }

}
