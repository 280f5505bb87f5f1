package io.caracal.core.allowlist;

import io.caracal.core.error.InvalidInputException;

import java.util.List;

/**
 * An agent's active allowlist. A firewall fails closed: an agent with no entries may reach no arbitrary
 * resource (v0.3 allowed everything in that case, which turned a forgotten allowlist into an open door).
 */
public final class Allowlist {
    public static final int MAX_RESOURCE_LENGTH = 4096;

    private final List<AllowlistEntry> entries;
    private final List<ResourcePattern> patterns;

    public Allowlist(List<AllowlistEntry> activeEntries) {
        this.entries = List.copyOf(activeEntries);
        this.patterns = entries.stream().map(e -> ResourcePattern.compile(e.patternType(), e.pattern())).toList();
    }

    public AllowlistDecision check(String resource) {
        if (resource == null || resource.isBlank()) {
            throw new InvalidInputException("resource must not be empty");
        }
        if (resource.length() > MAX_RESOURCE_LENGTH) {
            throw new InvalidInputException("resource is longer than " + MAX_RESOURCE_LENGTH + " characters");
        }
        if (resource.chars().anyMatch(Character::isISOControl)) {
            // No URL holds a raw control character; refusing them keeps "*" meaning "any printable run".
            throw new InvalidInputException("resource must not contain control characters");
        }
        if (entries.isEmpty()) {
            return new AllowlistDecision(false, "no active allowlist entries (default deny)", null, 0);
        }
        for (int i = 0; i < entries.size(); i++) {
            if (patterns.get(i).matches(resource)) {
                return new AllowlistDecision(true, "matched " + entries.get(i).patternType().label() + " pattern",
                        entries.get(i), i + 1);
            }
        }
        return new AllowlistDecision(false, "resource not in allowlist (" + entries.size() + " pattern(s) checked)",
                null, entries.size());
    }
}
