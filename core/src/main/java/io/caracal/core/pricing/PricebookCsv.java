package io.caracal.core.pricing;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a pricebook CSV: a header {@code resource_key,unit_price,currency[,effective_from]} and one price per
 * line. The whole file is checked before anything is stored, and an error names its line, so a bad import
 * changes nothing.
 */
public final class PricebookCsv {
    private static final List<String> HEADER = List.of("resource_key", "unit_price", "currency");
    private static final List<String> HEADER_WITH_START = List.of("resource_key", "unit_price", "currency", "effective_from");

    private PricebookCsv() {
    }

    public static List<PriceDraft> parse(Reader source) {
        ImportedPrices prices = new ImportedPrices("CSV", "rows");
        try (BufferedReader reader = new BufferedReader(source)) {
            String header = reader.readLine();
            int number = 1;
            while (header != null && header.isBlank()) {
                header = reader.readLine();
                number++;
            }
            if (header == null) {
                throw new InvalidInputException("CSV is empty: expected the header resource_key,unit_price,currency[,effective_from]");
            }
            List<String> columns = split(header.strip().replace("\uFEFF", ""));
            if (!columns.equals(HEADER) && !columns.equals(HEADER_WITH_START)) {
                throw new InvalidInputException("line " + number + ": expected the header resource_key,unit_price,currency[,effective_from], got '" + header + "'");
            }
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                prices.add("line " + number, row(number, split(line), columns.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prices.drafts();
    }

    private static PriceDraft row(int number, List<String> cells, int width) {
        if (cells.size() != width) {
            throw new InvalidInputException("line " + number + ": expected " + width + " fields, got " + cells.size());
        }
        try {
            Instant effectiveFrom = width == 4 ? ImportedPrices.effectiveFrom(cells.get(3)) : null;
            Money price = Money.parse("unit_price", cells.get(1), CurrencyCode.parse(cells.get(2)));
            return new PriceDraft(cells.get(0), price, effectiveFrom);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("line " + number + ": " + e.getMessage());
        }
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }
}
