package io.caracal.core.pipeline;

import io.caracal.core.error.StorageUnavailableException;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Which failures are worth retrying: the store or the schema registry was briefly unavailable, or a concurrent writer
 * got in the way.
 */
final class Failures {
    private Failures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StorageUnavailableException || t instanceof SQLTransientException
                    || t instanceof io.lettuce.core.RedisConnectionException || t instanceof io.lettuce.core.RedisCommandTimeoutException
                    || t instanceof java.net.ConnectException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof io.caracal.core.event.SchemaRegistryClient.SchemaRegistryException) {
                return true;
            }
            if (t instanceof SQLException sql && transientState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Connection trouble (08), serialization failures and deadlocks (40), resources (53), operator intervention
     * (57P) and a unique violation (23505: a concurrent consumer wrote the same event first; a retry sees it).
     */
    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57P")
                || state.equals("23505"));
    }
}
