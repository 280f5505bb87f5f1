package io.caracal.core.llm;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.pricing.ModelPriceKeys;
import io.caracal.core.pricing.PriceEntry;
import io.caracal.core.pricing.Prices;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model prices from the pricebook's {@link ModelPriceKeys} entries. {@code input} and {@code output} must be priced;
 * a missing cached-input or cache-write price falls back to the input price, a missing reasoning price to the output
 * price (what the providers charge when they do not list one), and a missing request fee is zero.
 */
public final class ModelPricebook {
    /** Providers name snapshots by date ("gpt-4o-2024-08-06", "claude-sonnet-4-5-20250929") or alias the newest one ("-latest"). */
    private static final Pattern SNAPSHOT = Pattern.compile("(.+)-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)");

    private final Prices prices;

    public ModelPricebook(Prices prices) {
        this.prices = prices;
    }

    /**
     * Rates for a model name as the client sent it: tries the name, then the name without its date suffix, so an
     * operator prices a model once and may still price one snapshot apart. Empty when neither has input and output
     * prices.
     */
    public Optional<ModelRates> ratesAt(String model, Instant at) {
        for (String candidate : candidates(model)) {
            Optional<ModelRates> rates = ratesOf(candidate, at);
            if (rates.isPresent()) {
                return rates;
            }
        }
        return Optional.empty();
    }

    /** The pricebook names to try for a model, most specific first. */
    static List<String> candidates(String model) {
        Matcher snapshot = SNAPSHOT.matcher(model);
        return snapshot.matches() ? List.of(model, snapshot.group(1)) : List.of(model);
    }

    private Optional<ModelRates> ratesOf(String model, Instant at) {
        Map<TokenClass, PriceEntry> entries = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) {
            prices.entryAt(ModelPriceKeys.key(model, c.key()), at).ifPresent(entry -> entries.put(c, entry));
        }
        if (!entries.containsKey(TokenClass.INPUT) || !entries.containsKey(TokenClass.OUTPUT)) {
            return Optional.empty();
        }
        List<PriceEntry> used = new ArrayList<>(entries.values());
        Optional<PriceEntry> request = prices.entryAt(ModelPriceKeys.key(model, ModelPriceKeys.PER_REQUEST), at);
        request.ifPresent(used::add);
        checkOneCurrency(model, used);

        Map<TokenClass, BigDecimal> perMillion = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) {
            TokenClass fallback = c.generated() ? TokenClass.OUTPUT : TokenClass.INPUT;
            perMillion.put(c, entries.getOrDefault(c, entries.get(fallback)).unitPrice().amount());
        }
        Instant version = used.stream().map(PriceEntry::effectiveFrom).max(Instant::compareTo).orElseThrow();
        return Optional.of(new ModelRates(model, entries.get(TokenClass.INPUT).unitPrice().currency(), perMillion,
                request.map(entry -> entry.unitPrice().amount()).orElse(BigDecimal.ZERO), version));
    }

    /** Prices of one model in different currencies cannot be summed into one charge: an operator's mistake to fix. */
    private static void checkOneCurrency(String model, List<PriceEntry> entries) {
        TreeSet<String> currencies = new TreeSet<>();
        entries.forEach(entry -> currencies.add(entry.unitPrice().currency().code()));
        if (currencies.size() > 1) {
            throw new InvalidInputException("the prices of model " + model + " are in more than one currency (" + String.join(", ", currencies)
                    + "): price all its llm:" + model + ":* entries in one currency");
        }
    }
}
