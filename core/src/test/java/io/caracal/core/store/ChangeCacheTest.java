package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;
import io.caracal.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChangeCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private final AtomicInteger loads = new AtomicInteger();
    /** Never started: the tests play its part by calling the subscriber methods. */
    private final ChangeFeed feed = new ChangeFeed(null, new DatabaseOutage(clock));

    private ChangeCache<String, String> cache(Function<String, Optional<String>> loader) {
        return new ChangeCache<>(feed, Set.of("agents"), Duration.ofSeconds(30), clock, key -> {
            loads.incrementAndGet();
            return loader.apply(key);
        });
    }

    @Test
    void aValueIsServedFromMemoryUntilItsTtlPasses() {
        ChangeCache<String, String> cache = cache(key -> Optional.of(key + "-v"));
        cache.listening();
        assertEquals(Optional.of("a-v"), cache.find("a"));
        clock.advance(Duration.ofSeconds(29));
        assertEquals(Optional.of("a-v"), cache.find("a"));
        assertEquals(1, loads.get());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of("a-v"), cache.find("a"));
        assertEquals(2, loads.get());
    }

    @Test
    void itsStatsCountEachLookupServedFromMemoryAsAHitAndEachReadThroughAsAMiss() {
        ChangeCache<String, String> cache = cache(key -> key.equals("unknown") ? Optional.empty() : Optional.of(key + "-v"));
        cache.listening();
        cache.find("a");
        cache.find("a");
        cache.find("a");
        cache.find("b");
        cache.find("unknown");
        assertEquals(new CacheStats(2, 2, 3), cache.stats(), "a and b kept; a twice from memory; a, b and unknown read through");
        assertEquals(0.4, cache.stats().hitRate(), 1e-9);
        cache.changed("agents");
        cache.find("a");
        assertEquals(new CacheStats(1, 2, 4), cache.stats(), "a change empties it: the next lookup is a miss");
        assertEquals(0, new CacheStats(0, 0, 0).hitRate(), "no lookup yet");
    }

    @Test
    void aChangeToOneOfItsTablesDropsEverythingAndOtherTablesDropNothing() {
        AtomicReference<String> stored = new AtomicReference<>("old");
        ChangeCache<String, String> cache = cache(key -> Optional.of(stored.get()));
        cache.listening();
        cache.find("a");
        cache.find("b");
        stored.set("new");
        cache.changed("budget_policies");
        assertEquals(Optional.of("old"), cache.find("a"));
        cache.changed("agents");
        assertEquals(Optional.of("new"), cache.find("a"));
        assertEquals(Optional.of("new"), cache.find("b"));
        assertEquals(4, loads.get());
    }

    @Test
    void whileTheFeedIsNotListeningEveryReadGoesThroughAndNothingIsKept() {
        AtomicReference<String> stored = new AtomicReference<>("old");
        ChangeCache<String, String> cache = cache(key -> Optional.of(stored.get()));
        cache.find("a");
        cache.find("a");
        assertEquals(2, loads.get(), "before the feed first listens");
        cache.listening();
        cache.find("a");
        cache.lost();
        stored.set("new");
        assertEquals(Optional.of("new"), cache.find("a"), "a change while not listening is read, not missed");
        cache.find("a");
        assertEquals(5, loads.get());
        cache.listening();
        cache.find("a");
        cache.find("a");
        assertEquals(6, loads.get());
    }

    @Test
    void absentValuesAreNotKeptSoUnknownKeysCannotFillMemory() {
        ChangeCache<String, String> cache = cache(key -> Optional.empty());
        cache.listening();
        assertEquals(Optional.empty(), cache.find("junk"));
        assertEquals(Optional.empty(), cache.find("junk"));
        assertEquals(2, loads.get());
    }

    @Test
    void aValueReadWhileAChangeIsHeardIsNotKept() {
        AtomicReference<ChangeCache<String, String>> self = new AtomicReference<>();
        AtomicReference<String> stored = new AtomicReference<>("old");
        self.set(cache(key -> {
            String read = stored.get();
            // The change commits and is heard after this read took its snapshot.
            stored.set("new");
            self.get().changed("agents");
            return Optional.of(read);
        }));
        self.get().listening();
        assertEquals(Optional.of("old"), self.get().find("a"));
        assertEquals(Optional.of("new"), self.get().find("a"));
    }

    @Test
    void whilePostgresIsUnreachableWhatIsHeldIsServedAndWhatIsNotFails() {
        AtomicReference<String> stored = new AtomicReference<>("v1");
        AtomicReference<Boolean> down = new AtomicReference<>(false);
        ChangeCache<String, String> cache = cache(key -> {
            if (down.get()) {
                throw new StorageUnavailableException("cannot reach the database", null);
            }
            return Optional.of(stored.get());
        });
        cache.listening();
        assertEquals(Optional.of("v1"), cache.find("a"));

        down.set(true);
        clock.advance(Duration.ofSeconds(31));
        assertEquals(Optional.of("v1"), cache.find("a"), "past its TTL, a failed reload keeps the entry");
        cache.lost();
        assertEquals(Optional.of("v1"), cache.find("a"), "the feed lost with PostgreSQL, the entry is still served");
        assertThrows(StorageUnavailableException.class, () -> cache.find("b"), "a key not held is not guessed");
        int tried = loads.get();
        cache.find("a");
        assertEquals(tried, loads.get(), "within a second of a failure, a held key is served without waiting for PostgreSQL");
        clock.advance(DatabaseOutage.RETRY);
        cache.find("a");
        assertEquals(tried + 1, loads.get(), "then PostgreSQL is tried again");

        down.set(false);
        stored.set("v2");
        clock.advance(DatabaseOutage.RETRY);
        assertEquals(Optional.of("v2"), cache.find("a"), "back, PostgreSQL answers before the feed listens again");
        cache.listening();
        assertEquals(Optional.of("v2"), cache.find("a"));
    }

    @Test
    void aKeyFoundGoneWhileNotListeningIsNotServedDuringALaterOutage() {
        AtomicReference<Optional<String>> stored = new AtomicReference<>(Optional.of("key"));
        AtomicReference<Boolean> down = new AtomicReference<>(false);
        ChangeCache<String, String> cache = cache(key -> {
            if (down.get()) {
                throw new StorageUnavailableException("cannot reach the database", null);
            }
            return stored.get();
        });
        cache.listening();
        cache.find("a");
        cache.lost();
        stored.set(Optional.empty()); // revoked while the feed was away
        assertEquals(Optional.empty(), cache.find("a"));
        down.set(true);
        assertThrows(StorageUnavailableException.class, () -> cache.find("a"));
    }

    @Test
    void manyKeysAreReadInOneLoadOfThoseNotHeldAndOnlyThoseFoundAreKept() {
        List<Set<String>> asked = new ArrayList<>();
        ChangeCache<String, String> cache = ChangeCache.ofMany(feed, Set.of("agents"), Duration.ofSeconds(30), clock, keys -> {
            asked.add(Set.copyOf(keys));
            Map<String, String> found = new HashMap<>();
            keys.stream().filter(k -> !k.startsWith("unknown")).forEach(k -> found.put(k, k + "-v"));
            return found;
        });
        cache.listening();
        assertEquals(Map.of("a", "a-v", "b", "b-v"), cache.findAll(Set.of("a", "b", "unknown")));
        assertEquals(Map.of("a", "a-v", "c", "c-v"), cache.findAll(Set.of("a", "c", "unknown")));
        assertEquals(List.of(Set.of("a", "b", "unknown"), Set.of("c", "unknown")), asked, "held keys are not read again; unknown ones are");
        assertEquals(Map.of("a", "a-v", "b", "b-v", "c", "c-v"), cache.findAll(Set.of("a", "b", "c")));
        assertEquals(2, asked.size(), "all three from memory");
        cache.changed("agents");
        cache.findAll(Set.of("a"));
        assertEquals(Set.of("a"), asked.get(2), "a change drops what was held");
    }

    @Test
    void manyKeysWhilePostgresIsUnreachableAreServedOnlyIfAllAreHeld() {
        AtomicReference<Boolean> down = new AtomicReference<>(false);
        ChangeCache<String, String> cache = ChangeCache.ofMany(feed, Set.of("agents"), Duration.ofSeconds(30), clock, keys -> {
            if (down.get()) {
                throw new StorageUnavailableException("cannot reach the database", null);
            }
            Map<String, String> found = new HashMap<>();
            keys.forEach(k -> found.put(k, k + "-v"));
            return found;
        });
        cache.listening();
        cache.findAll(Set.of("a", "b"));
        down.set(true);
        clock.advance(Duration.ofSeconds(31));
        assertEquals(Map.of("a", "a-v", "b", "b-v"), cache.findAll(Set.of("a", "b")), "past their TTL, held keys are served");
        assertThrows(StorageUnavailableException.class, () -> cache.findAll(Set.of("a", "c")), "a key not held is not guessed");
    }
}
