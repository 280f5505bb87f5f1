package io.caracal.core.money;

import io.caracal.core.error.InvalidInputException;

import java.util.Currency;
import java.util.Locale;
import java.util.regex.Pattern;

/** An ISO 4217 alphabetic currency code that the JDK's currency table knows. */
public record CurrencyCode(String code) {
    /** Compiled once: a code is checked for every amount read, events included. */
    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    public CurrencyCode {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new InvalidInputException("currency must be an ISO 4217 code such as USD, got '" + code + "'");
        }
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown currency '" + code + "': not an ISO 4217 code");
        }
    }

    /** Accepts lower case from people ("usd") but stores the canonical upper-case code. */
    public static CurrencyCode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("currency is required");
        }
        return new CurrencyCode(text.trim().toUpperCase(Locale.ROOT));
    }

    /** The symbol an English reader expects ("$" for USD), or null when the code is all there is. */
    String symbol() {
        String symbol = Currency.getInstance(code).getSymbol(Locale.US);
        return symbol.equals(code) ? null : symbol;
    }

    @Override
    public String toString() {
        return code;
    }
}
