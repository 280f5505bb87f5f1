package io.caracal.core.mcp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The kind of an MCP resource, from its URI's scheme, as v0.3 priced them. */
enum ResourceType {
    FILE, HTTP, DATABASE, S3, UNKNOWN;

    /** RFC 3986: a scheme is a letter and then letters, digits, +, - and ., before the first colon. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);

    static ResourceType of(String uri) {
        Matcher scheme = SCHEME.matcher(uri);
        if (!scheme.matches()) {
            return UNKNOWN;
        }
        return switch (scheme.group(1).toLowerCase(Locale.ROOT)) {
            case "file" -> FILE;
            case "http", "https" -> HTTP;
            case "db" -> DATABASE;
            case "s3" -> S3;
            default -> UNKNOWN;
        };
    }

    /** The word in pricebook keys: {@code mcp.resource.<label>}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
