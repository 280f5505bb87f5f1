package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * Removes every key matching a pattern by SCAN, never KEYS, so a large Redis keeps serving while it runs. Not for a
 * request's path: it walks the whole keyspace. On a Redis Cluster the cluster client's SCAN walks one master after
 * the other (its cursor carries the node), and its UNLINK splits a page's keys by slot and sends each part to
 * its shard, so the same loop works shard by shard.
 */
public final class RedisKeys {
    private RedisKeys() {
    }

    /** Returns how many keys were removed. UNLINK frees the memory in the background. */
    public static long unlink(RedisClusterCommands<String, String> redis, String pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
        long removed = 0;
        try {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, args);
                if (!page.getKeys().isEmpty()) {
                    removed += redis.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } catch (RedisException e) {
            throw new StorageUnavailableException("Redis unavailable while removing " + pattern + ": " + e.getMessage(), e);
        }
        return removed;
    }
}
