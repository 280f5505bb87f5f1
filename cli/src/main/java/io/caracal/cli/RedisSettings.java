package io.caracal.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the budget store (Redis) is: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and REDIS_CLUSTER (true for a Redis
 * Cluster), or the {@code redis:} section of the config file. With neither, the CLI starts a private Redis where its
 * distribution can ({@link LocalServices}), which the budget engine fills from PostgreSQL on first use: the figures
 * are the same, because PostgreSQL is the source of truth.
 */
record RedisSettings(String host, int port, String password, boolean cluster) {
    boolean embedded() {
        return host == null;
    }

    String uri() {
        return "redis://" + (password == null || password.isEmpty() ? "" : ":" + java.net.URLEncoder.encode(password,
                java.nio.charset.StandardCharsets.UTF_8) + "@") + host + ":" + port;
    }

    @Override
    public String toString() {
        // Never the password: this ends up in messages.
        return embedded() ? "local embedded Redis" : host + ":" + port;
    }

    static RedisSettings resolve(Map<String, String> env, Path configFile, boolean required) {
        Map<String, Object> fromFile = ConfigFile.section(configFile, "redis", required);
        String host = ConnectionSettings.firstNonBlank(env.get("REDIS_HOST"), ConnectionSettings.string(fromFile.get("host")));
        if (host == null) {
            return new RedisSettings(null, 0, null, false);
        }
        int port = ConnectionSettings.parsePort("Redis", ConnectionSettings.firstNonBlank(env.get("REDIS_PORT"),
                ConnectionSettings.string(fromFile.get("port")), "6379"));
        boolean cluster = Boolean.parseBoolean(ConnectionSettings.firstNonBlank(env.get("REDIS_CLUSTER"),
                ConnectionSettings.string(fromFile.get("cluster")), "false"));
        return new RedisSettings(host, port, env.getOrDefault("REDIS_PASSWORD", ConnectionSettings.string(fromFile.get("password"))), cluster);
    }
}
