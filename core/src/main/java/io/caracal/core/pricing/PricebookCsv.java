package io.caracal.core.pricing;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a pricebook CSV: a header {@code resource_key,unit_price,currency[,effective_from]} and one price per
 * line. The whole file is checked before anything is stored, and an error names its line, so a bad import
 * changes nothing.
 */
public final class PricebookCsv {
    private static final List<String> HEADER = List.of("resource_key", "unit_price", "currency");
    private static final List<String> HEADER_WITH_START = List.of("resource_key", "unit_price", "currency", "effective_from");
    private static final int MAX_ROWS = 100_000;

    private PricebookCsv() {
    }

    public static List<PriceDraft> parse(Reader source) {
        List<PriceDraft> drafts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
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
                if (drafts.size() >= MAX_ROWS) {
                    throw new InvalidInputException("CSV has more than " + MAX_ROWS + " rows");
                }
                PriceDraft draft = row(number, split(line), columns.size());
                String identity = draft.resourceKey() + "@" + draft.effectiveFrom();
                if (!seen.add(identity)) {
                    throw new InvalidInputException("line " + number + ": " + draft.resourceKey() + " is priced twice"
                            + (draft.effectiveFrom() == null ? "" : " from " + draft.effectiveFrom()));
                }
                drafts.add(draft);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (drafts.isEmpty()) {
            throw new InvalidInputException("CSV holds no prices");
        }
        return drafts;
    }

    private static PriceDraft row(int number, List<String> cells, int width) {
        if (cells.size() != width) {
            throw new InvalidInputException("line " + number + ": expected " + width + " fields, got " + cells.size());
        }
        try {
            Instant effectiveFrom = width == 4 && !cells.get(3).isEmpty() ? Instant.parse(cells.get(3)) : null;
            Money price = Money.parse("unit_price", cells.get(1), CurrencyCode.parse(cells.get(2)));
            return new PriceDraft(cells.get(0), price, effectiveFrom);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("line " + number + ": " + e.getMessage());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("line " + number + ": effective_from must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z");
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
