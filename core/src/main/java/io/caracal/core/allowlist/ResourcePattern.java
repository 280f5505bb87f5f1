package io.caracal.core.allowlist;

import io.caracal.core.error.InvalidInputException;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled allowlist pattern. Both kinds must match the <em>whole</em> resource: a regex that only had to
 * match a prefix would let {@code ^https://api\.openai\.com} allow {@code https://api.openai.com.evil.example}.
 * In a glob, {@code *} matches any run of characters including {@code /}, {@code ?} one character, and
 * everything else itself (case-sensitive).
 */
public final class ResourcePattern {
    public static final int MAX_LENGTH = 1000;

    private final PatternType type;
    private final String text;
    private final Pattern compiled;

    private ResourcePattern(PatternType type, String text, Pattern compiled) {
        this.type = type;
        this.text = text;
        this.compiled = compiled;
    }

    public static ResourcePattern compile(PatternType type, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("pattern must not be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidInputException("pattern is longer than " + MAX_LENGTH + " characters");
        }
        Pattern compiled = switch (type) {
            case REGEX -> compileRegex(text);
            case GLOB -> Pattern.compile(globToRegex(text));
        };
        return new ResourcePattern(type, text, compiled);
    }

    private static Pattern compileRegex(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new InvalidInputException("invalid regex '" + text + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() * 2);
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    public boolean matches(String resource) {
        return compiled.matcher(resource).matches();
    }

    public PatternType type() {
        return type;
    }

    public String text() {
        return text;
    }
}
