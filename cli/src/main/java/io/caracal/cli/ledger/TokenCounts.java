package io.caracal.cli.ledger;

import io.caracal.core.llm.TokenClass;

import java.util.Map;
import java.util.StringJoiner;

/** The token counts a charge's ledger metadata records, on one short line for the text listing. */
final class TokenCounts {
    private TokenCounts() {
    }

    /**
     * "input=1200 cached_input=200 output=150": input and output whenever recorded, the other classes only when not
     * zero (most calls use none of them); "not reported" when the provider gave no usage; empty when there are no counts.
     */
    static String compact(Map<String, String> metadata) {
        if ("not_reported".equals(metadata.get("usage"))) {
            return "not reported";
        }
        StringJoiner counts = new StringJoiner(" ");
        for (TokenClass tokenClass : TokenClass.values()) {
            // The keys TokenUsage.metadata() writes.
            String count = metadata.get("tokens." + tokenClass.key());
            boolean always = tokenClass == TokenClass.INPUT || tokenClass == TokenClass.OUTPUT;
            if (count != null && (always || !count.equals("0"))) {
                counts.add(tokenClass.key() + "=" + count);
            }
        }
        return counts.toString();
    }
}
