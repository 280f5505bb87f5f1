package io.caracal.core.pricing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a pricebook in JSON, in either of two forms:
 * <ul>
 *   <li>an array of entries {@code {"resource_key", "unit_price", "currency", "effective_from"?}}, or</li>
 *   <li>an object {@code {"models": {"gpt-4o": {"currency": "USD", "effective_from"?: "...", "input": "2.50",
 *       "output": "10.00", ...}}}} whose prices per class expand into the {@link ModelPriceKeys} entries.</li>
 * </ul>
 * Prices may be strings or numbers and are read exactly (a number is never taken through a double). A
 * {@code "_comment"} field is allowed in any object and ignored; any other unknown field is an error, so a misspelt
 * class ({@code "cached_inputs"}) is refused rather than silently falling back to the input price. As with
 * {@link PricebookCsv}, the whole file is checked before anything is stored, and an error names its entry.
 */
public final class PricebookJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String COMMENT = "_comment";
    private static final int MAX_EXPONENT = 100;
    private static final List<String> TOP_LEVEL_FIELDS = List.of("models", COMMENT);
    private static final List<String> ENTRY_FIELDS = List.of("resource_key", "unit_price", "currency", "effective_from", COMMENT);
    private static final List<String> PRICE_CLASSES = Stream.concat(ModelPriceKeys.TOKEN_CLASSES.stream(), Stream.of(ModelPriceKeys.PER_REQUEST)).toList();
    private static final List<String> MODEL_FIELDS = Stream.concat(Stream.of("currency", "effective_from", COMMENT), PRICE_CLASSES.stream()).toList();

    private PricebookJson() {
    }

    /** Whether an import file is JSON: by its extension, else by its first character ({@code [} or {@code {}). */
    public static boolean isJson(String fileName, String content) {
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return true;
        }
        String start = content.replace("\uFEFF", "").stripLeading();
        return start.startsWith("[") || start.startsWith("{");
    }

    public static List<PriceDraft> parse(Reader source) {
        JsonNode root = read(source);
        ImportedPrices prices = new ImportedPrices("JSON", "prices");
        if (root.isArray()) {
            int number = 0;
            for (JsonNode entry : root) {
                number++;
                String where = "entry " + number;
                prices.add(where, entry(where, entry));
            }
        } else if (root.isObject()) {
            try {
                checkFields(root, TOP_LEVEL_FIELDS);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("top level: " + e.getMessage());
            }
            JsonNode models = root.get("models");
            if (models == null || !models.isObject()) {
                throw new InvalidInputException("a JSON pricebook object needs \"models\": {\"<model>\": {\"currency\": ..., \"input\": ..., ...}}");
            }
            models.fields().forEachRemaining(model -> model(model.getKey(), model.getValue(), prices));
        } else {
            throw new InvalidInputException("a JSON pricebook is an array of entries or an object with \"models\"");
        }
        return prices.drafts();
    }

    private static JsonNode read(Reader source) {
        try (Reader reader = source) {
            // A byte order mark is not JSON; editors on Windows write one.
            StringWriter text = new StringWriter();
            reader.transferTo(text);
            JsonNode root = JSON.readTree(text.toString().replaceFirst("^\uFEFF", ""));
            if (root == null || root.isMissingNode()) {
                throw new InvalidInputException("JSON is empty: expected an array of prices or an object with \"models\"");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidInputException("not valid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PriceDraft entry(String where, JsonNode entry) {
        if (!entry.isObject()) {
            throw new InvalidInputException(where + ": expected an object {\"resource_key\", \"unit_price\", \"currency\", \"effective_from\"?}");
        }
        String named = entry.path("resource_key").isTextual() ? where + " (" + entry.get("resource_key").asText() + ")" : where;
        try {
            checkFields(entry, ENTRY_FIELDS);
            CurrencyCode currency = CurrencyCode.parse(text(entry, "currency"));
            return new PriceDraft(text(entry, "resource_key"), price("unit_price", entry.get("unit_price"), currency),
                    ImportedPrices.effectiveFrom(text(entry, "effective_from")));
        } catch (InvalidInputException e) {
            throw new InvalidInputException(named + ": " + e.getMessage());
        }
    }

    private static void model(String model, JsonNode prices, ImportedPrices into) {
        String where = "model " + model;
        if (!prices.isObject()) {
            throw new InvalidInputException(where + ": expected an object {\"currency\", \"effective_from\"?, \"input\", \"output\", ...}");
        }
        List<PriceDraft> drafts = new ArrayList<>();
        try {
            checkFields(prices, MODEL_FIELDS);
            CurrencyCode currency = CurrencyCode.parse(text(prices, "currency"));
            Instant from = ImportedPrices.effectiveFrom(text(prices, "effective_from"));
            for (String priceClass : PRICE_CLASSES) {
                if (prices.has(priceClass)) {
                    drafts.add(new PriceDraft(ModelPriceKeys.key(model, priceClass), price(priceClass, prices.get(priceClass), currency), from));
                }
            }
            if (drafts.isEmpty()) {
                throw new InvalidInputException("no prices: give at least one of " + String.join(", ", PRICE_CLASSES));
            }
        } catch (InvalidInputException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
        drafts.forEach(draft -> into.add(where, draft));
    }

    private static void checkFields(JsonNode object, List<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidInputException("unknown field \"" + name + "\" (expected " + String.join(", ", allowed) + ")");
            }
        }
    }

    /** A string field, or null when it is absent or null. */
    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInputException(field + " must be a string, got " + value);
        }
        return value.asText();
    }

    /**
     * A price given as a string or as a number. A number goes through the same checks as text (via its plain
     * digits); an exponent far beyond any price is refused first, as its plain digits would be huge.
     */
    private static Money price(String field, JsonNode value, CurrencyCode currency) {
        if (value == null || value.isNull()) {
            return Money.parse(field, null, currency);
        }
        if (value.isNumber()) {
            BigDecimal amount = value.decimalValue();
            if (Math.abs(amount.scale()) > MAX_EXPONENT) {
                throw new InvalidInputException(field + " " + value + " is out of range");
            }
            return Money.parse(field, amount.toPlainString(), currency);
        }
        if (!value.isTextual()) {
            throw new InvalidInputException(field + " must be a decimal number or a string holding one, got " + value);
        }
        return Money.parse(field, value.asText(), currency);
    }
}
