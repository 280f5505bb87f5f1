package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
    private final Loader<K, V> loadAll;
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
        this(feed, tables, ttl, clock, (Loader<K, V>) keys -> {
            K key = keys.iterator().next();
            return loader.apply(key).map(value -> Map.of(key, value)).orElse(Map.of());
        });
    }

    private ChangeCache(ChangeFeed feed, Set<String> tables, Duration ttl, Clock clock, Loader<K, V> loadAll) {
        this.feed = feed;
        this.tables = Set.copyOf(tables);
        this.ttl = ttl;
        this.clock = clock;
        this.loadAll = loadAll;
        feed.subscribe(this);
    }

    /**
     * A cache read many keys at a time: {@code loadAll} reads every key not held in one round trip and returns those
     * it found. For callers that need a set of keys at once ({@link #findAll}), where one read per key would cost a
     * round trip each.
     */
    public static <K, V> ChangeCache<K, V> ofMany(ChangeFeed feed, Set<String> tables, Duration ttl, Clock clock, Loader<K, V> loadAll) {
        return new ChangeCache<>(feed, tables, ttl, clock, loadAll);
    }

    /** Reads some keys through to PostgreSQL; returns only those found. */
    @FunctionalInterface
    public interface Loader<K, V> {
        Map<K, V> load(Set<K> keys);
    }

    public Optional<V> find(K key) {
        Entry<V> entry = entries.get(key);
        if (usable(entry, clock.instant())) {
            hits.increment();
            return Optional.of(entry.value());
        }
        return Optional.ofNullable(findAll(Set.of(key)).get(key));
    }

    /** The values of those of {@code keys} that exist: each from memory as {@link #find} would serve it, the rest in one read. */
    public Map<K, V> findAll(Set<K> keys) {
        Instant now = clock.instant();
        Map<K, V> found = new HashMap<>();
        Map<K, V> held = new HashMap<>();
        for (K key : keys) {
            Entry<V> entry = entries.get(key);
            if (usable(entry, now)) {
                hits.increment();
                found.put(key, entry.value());
            } else {
                misses.increment();
                held.put(key, entry == null ? null : entry.value());
            }
        }
        if (held.isEmpty()) {
            return found;
        }
        boolean keep;
        long seen;
        synchronized (lock) {
            keep = live;
            seen = generation;
        }
        Map<K, V> loaded;
        try {
            loaded = loadAll.load(held.keySet());
        } catch (StorageUnavailableException e) {
            feed.outage().found();
            if (held.containsValue(null)) {
                throw e;
            }
            found.putAll(held);
            return found;
        }
        synchronized (lock) {
            // A change heard while loading may have been read too late; the next reader loads again.
            if (generation == seen) {
                for (K key : held.keySet()) {
                    V value = loaded.get(key);
                    if (value != null) {
                        // Not listening, it is kept only to answer should PostgreSQL become unreachable: already expired.
                        entries.put(key, new Entry<>(value, keep ? now.plus(ttl) : now));
                    } else {
                        entries.remove(key);
                    }
                }
            }
        }
        found.putAll(loaded);
        return found;
    }

    private boolean usable(Entry<V> entry, Instant now) {
        return entry != null && (live && now.isBefore(entry.expiresAt()) || feed.outage().recent());
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
