package io.caracal.embedded;

import redis.embedded.RedisServer;

/** A real Redis 7 binary (org.signal embedded-redis) on a free loopback port, keeping nothing on disk. */
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
        RedisServer server = RedisServer.builder()
                .port(port)
                .setting("bind 127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
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
