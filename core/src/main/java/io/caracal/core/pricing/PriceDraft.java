package io.caracal.core.pricing;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.Money;

import java.time.Instant;

/** A price to record; {@code effectiveFrom} null means "from now". */
public record PriceDraft(String resourceKey, Money unitPrice, Instant effectiveFrom) {
    public PriceDraft {
        resourceKey = resourceKey(resourceKey);
        if (unitPrice == null) {
            throw new InvalidInputException("price is required");
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
