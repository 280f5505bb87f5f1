package io.caracal.core.pricing;

import io.caracal.core.store.CacheStats;
import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.MeasuredCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pricebook from memory (see {@link ChangeCache}). A resource's whole schedule is kept, scheduled prices
 * included, so a price takes effect at its effective time without waiting for the cache to expire.
 */
public final class PriceCache implements Prices, MeasuredCache {
    private final ChangeCache<String, List<PriceEntry>> schedules;

    public PriceCache(PricebookStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.schedules = new ChangeCache<>(feed, Set.of("pricebook_entries"), ttl, clock,
                key -> Optional.of(store.schedule(key)).filter(entries -> !entries.isEmpty()));
    }

    /** The schedule is oldest first, so the last entry already effective at {@code at} is the one in force. */
    @Override
    public Optional<PriceEntry> entryAt(String resourceKey, Instant at) {
        PriceEntry inForce = null;
        for (PriceEntry entry : schedules.find(resourceKey).orElse(List.of())) {
            if (!entry.effectiveFrom().isAfter(at)) {
                inForce = entry;
            }
        }
        return Optional.ofNullable(inForce);
    }

    @Override
    public Map<String, CacheStats> cacheStats() {
        return Map.of("pricebook", schedules.stats());
    }
}
