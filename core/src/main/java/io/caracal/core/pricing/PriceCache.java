package io.caracal.core.pricing;

import io.caracal.core.money.Money;
import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pricebook from memory (see {@link ChangeCache}). A resource's whole schedule is kept, scheduled prices
 * included, so a price takes effect at its effective time without waiting for the cache to expire.
 */
public final class PriceCache implements Prices {
    private final ChangeCache<String, List<PriceEntry>> schedules;

    public PriceCache(PricebookStore store, ChangeFeed feed, Duration ttl, Clock clock) {
        this.schedules = new ChangeCache<>(feed, Set.of("pricebook_entries"), ttl, clock,
                key -> Optional.of(store.schedule(key)).filter(entries -> !entries.isEmpty()));
    }

    @Override
    public Optional<Money> priceOf(String resourceKey, Instant at) {
        Money price = null;
        for (PriceEntry entry : schedules.find(resourceKey).orElse(List.of())) {
            if (!entry.effectiveFrom().isAfter(at)) {
                price = entry.unitPrice();
            }
        }
        return Optional.ofNullable(price);
    }
}
