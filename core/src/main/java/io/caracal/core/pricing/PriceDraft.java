package io.caracal.core.pricing;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.time.Instant;

/** A price to record; {@code effectiveFrom} null means "from now". */
public record PriceDraft(String resourceKey, Money unitPrice, Instant effectiveFrom) {
    public PriceDraft {
        resourceKey = resourceKey(resourceKey);
        if (unitPrice == null) {
            throw new InvalidInputException("price is required");
        }
        checkConversion(resourceKey, unitPrice);
    }

    /**
     * {@code fx:FROM:TO} entries are exchange rates the budget engine converts charges with: a rate of zero
     * would make every converted charge free, so it must be positive, and priced in TO.
     */
    private static void checkConversion(String key, Money price) {
        if (!key.startsWith("fx:")) {
            return;
        }
        String[] parts = key.split(":");
        if (parts.length != 3) {
            throw new InvalidInputException("a conversion is keyed fx:FROM:TO, e.g. fx:EUR:USD, got '" + key + "'");
        }
        CurrencyCode.parse(parts[1]);
        if (!price.currency().equals(CurrencyCode.parse(parts[2]))) {
            throw new InvalidInputException("conversion " + key + " must be priced in " + parts[2] + ", not " + price.currency());
        }
        if (price.isZero()) {
            throw new InvalidInputException("conversion " + key + " must have a rate greater than zero");
        }
    }

    /** Resource keys name what is priced, e.g. {@code openai.gpt-4o.input_tokens}: no spaces, no commas. */
    public static String resourceKey(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("resource key must not be empty");
        }
        String trimmed = key.trim();
        if (trimmed.length() > 255) {
            throw new InvalidInputException("resource key is longer than 255 characters");
        }
        if (!trimmed.matches("[\\p{Alnum}._:/@+\\-]+")) {
            throw new InvalidInputException("resource key '" + key + "' may hold only letters, digits and . _ : / @ + -");
        }
        return trimmed;
    }
}
