package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A read-through cache of what some tables say, dropped whole when the {@link ChangeFeed} reports one of them
 * changed, and bypassed while the feed is not listening (a change then would go unheard). Entries also expire
 * after a TTL, a backstop for a connection that died without the feed noticing. Only values found are kept, so
 * a client naming keys that do not exist cannot fill memory: the cache holds at most what the tables hold.
 * Lookups are counted for {@code /stats}, with adders: every request counts, on many threads at once.
 *
 * <p>While PostgreSQL is unreachable nothing can change in it, so what the cache holds is still what the tables say:
 * a read that cannot reach PostgreSQL (the feed lost, or the entry past its TTL) is answered from the entry it holds,
 * however old, and so is every read of a held key for a second after PostgreSQL was last found unreachable, by this
 * cache or anything sharing the feed's {@link DatabaseOutage}; then a read tries PostgreSQL again. Entries are kept when the feed is lost for that reason, and
 * dropped once it listens again (a change made between the two may have gone unheard). A key not held is not
 * guessed: its read fails as the loader does.
 */
public final class ChangeCache<K, V> implements ChangeFeed.Subscriber {
    private record Entry<V>(V value, Instant expiresAt) {
    }

    private final ChangeFeed feed;
    private final Set<String> tables;
    private final Duration ttl;
    private final Clock clock;
    private final Function<K, Optional<V>> loader;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final Object lock = new Object();
    /** Counts the drops, so a value read before one is not stored after it. Guarded by lock. */
    private long generation;
    /** Written under lock; read without it on the fast path. */
    private volatile boolean live;

    /** {@code loader} reads through to PostgreSQL; the cache subscribes itself to {@code feed}. */
    public ChangeCache(ChangeFeed feed, Set<String> tables, Duration ttl, Clock clock, Function<K, Optional<V>> loader) {
        this.feed = feed;
        this.tables = Set.copyOf(tables);
        this.ttl = ttl;
        this.clock = clock;
        this.loader = loader;
        feed.subscribe(this);
    }

    public Optional<V> find(K key) {
        Instant now = clock.instant();
        Entry<V> entry = entries.get(key);
        if (entry != null && (live && now.isBefore(entry.expiresAt()) || feed.outage().recent())) {
            hits.increment();
            return Optional.of(entry.value());
        }
        misses.increment();
        boolean keep;
        long seen;
        synchronized (lock) {
            keep = live;
            seen = generation;
        }
        Optional<V> loaded;
        try {
            loaded = loader.apply(key);
        } catch (StorageUnavailableException e) {
            feed.outage().found();
            if (entry == null) {
                throw e;
            }
            return Optional.of(entry.value());
        }
        synchronized (lock) {
            // A change heard while loading may have been read too late; the next reader loads again.
            if (generation == seen) {
                if (loaded.isPresent()) {
                    // Not listening, it is kept only to answer should PostgreSQL become unreachable: already expired.
                    entries.put(key, new Entry<>(loaded.get(), keep ? now.plus(ttl) : now));
                } else {
                    entries.remove(key);
                }
            }
        }
        return loaded;
    }

    public CacheStats stats() {
        return new CacheStats(entries.size(), hits.sum(), misses.sum());
    }

    @Override
    public void changed(String table) {
        if (tables.contains(table)) {
            synchronized (lock) {
                drop();
            }
        }
    }

    /** Entries are kept to answer while PostgreSQL is unreachable; reads go to PostgreSQL first meanwhile. */
    @Override
    public void lost() {
        synchronized (lock) {
            live = false;
            generation++;
        }
    }

    @Override
    public void listening() {
        synchronized (lock) {
            live = true;
            drop();
        }
    }

    /** The caller holds lock. */
    private void drop() {
        generation++;
        entries.clear();
    }
}
