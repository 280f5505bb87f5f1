package io.caracal.core.store;

/**
 * One in-process cache as {@code /stats} reports it: how many entries it holds and how its lookups went since the
 * process started (a lookup that read through to PostgreSQL is a miss).
 */
public record CacheStats(long size, long hits, long misses) {
    /** Hits over lookups; 0 before the first lookup. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
