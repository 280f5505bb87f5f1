package io.caracal.embedded;

import redis.embedded.RedisServer;
import redis.embedded.RedisServerBuilder;

import java.nio.file.Path;

/** A real Redis 7 binary (org.signal embedded-redis) on a free loopback port, keeping nothing on disk unless asked to. */
public final class EmbeddedRedisServer implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedisServer(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedisServer start() {
        return start(FreePorts.next());
    }

    /** A fresh, empty Redis on a given port: a test that stops Redis can bring one back where clients expect it. */
    public static EmbeddedRedisServer start(int port) {
        return start(port, "save \"\"", "appendonly no");
    }

    /**
     * A Redis on a given port that keeps its data in {@code dir}, appending every change to a file there before it
     * answers: stopped and started again on the same directory, it comes back with its keys (and their expiries),
     * as a restarted or failed-over production Redis does.
     */
    public static EmbeddedRedisServer startKeepingData(int port, Path dir) {
        return start(port, "save \"\"", "appendonly yes", "appendfsync always", "dir " + dir.toAbsolutePath());
    }

    private static EmbeddedRedisServer start(int port, String... persistence) {
        RedisServerBuilder builder = RedisServer.builder()
                .port(port)
                .setting("bind 127.0.0.1");
        for (String setting : persistence) {
            builder.setting(setting);
        }
        RedisServer server = builder.build();
        server.start();
        return new EmbeddedRedisServer(server, port);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    @Override
    public void close() {
        server.stop();
    }
}
