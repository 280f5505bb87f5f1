package io.caracal.core.health;

import io.caracal.core.store.Database;
import io.caracal.core.store.RedisUnavailableException;
import io.caracal.core.store.SharedRedis;

/** The checks of the stores every Caracal process shares, named as {@code /ready} shows them. */
public final class StoreChecks {
    public static final String DATABASE = "database";
    public static final String REDIS = "redis";

    private StoreChecks() {
    }

    /** PostgreSQL hands out a connection that answers. */
    public static DependencyCheck database(Database database, DependencyCheck.Fallback fallback) {
        return new DependencyCheck(DATABASE, () -> {
            if (!database.transaction(c -> c.isValid(1))) {
                throw new DependencyDownException("database connection not valid");
            }
        }, fallback);
    }

    /** Redis answers a PING. */
    public static DependencyCheck redis(SharedRedis redis, DependencyCheck.Fallback fallback) {
        return new DependencyCheck(REDIS, () -> {
            try {
                redis.ping();
            } catch (RedisUnavailableException e) {
                // A refused password or TLS handshake, said as such; without where Redis is, like the other checks.
                throw new DependencyDownException(e.reason());
            }
        }, fallback);
    }
}
