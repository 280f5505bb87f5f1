package io.caracal.core.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A Lua script run by its SHA-1, sent in full only when Redis does not have it cached (after a restart or flush). */
public final class RedisScript {
    private final String source;
    private final String sha;

    private RedisScript(String source) {
        this.source = source;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            this.sha = java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resources (absolute classpath names) concatenated, so scripts can share helper functions. */
    public static RedisScript of(String... resources) {
        StringBuilder source = new StringBuilder();
        for (String name : resources) {
            try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing script " + name);
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RedisScript(source.toString());
    }

    /**
     * Runs the script with {@code keys} as its KEYS, every key it touches: a Redis Cluster client sends it to the
     * shard of their (one) slot, and the script is loaded there on first use.
     */
    public <T> T run(RedisClusterCommands<String, String> redis, ScriptOutputType type, String[] keys, String[] argv) {
        try {
            return redis.evalsha(sha, type, keys, argv);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, argv);
        }
    }
}
