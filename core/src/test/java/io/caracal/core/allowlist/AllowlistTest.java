package io.caracal.core.allowlist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowlistTest {
    private static final UUID AGENT = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static int ids;

    private static AllowlistEntry entry(PatternType type, String pattern) {
        return new AllowlistEntry(new UUID(0, ++ids), AGENT, pattern, type, true, NOW, null);
    }

    @Test
    void noEntriesMeansDefaultDeny() {
        AllowlistDecision decision = new Allowlist(List.of()).check("https://api.openai.com/v1/chat");
        assertFalse(decision.allowed());
        assertTrue(decision.reason().contains("default deny"), decision.reason());
        assertNull(decision.matchedEntry());
        assertEquals(0, decision.patternsChecked());
    }

    @Test
    void resourcesWithControlCharactersAreRefusedRatherThanMatched() {
        Allowlist allowlist = new Allowlist(List.of(entry(PatternType.GLOB, "https://x.com/*")));
        assertTrue(allowlist.check("https://x.com/a").allowed());
        invalid(() -> allowlist.check("https://x.com/a\nb"), "control characters");
        invalid(() -> allowlist.check("https://x.com/a\u0000"), "control characters");
    }

    @Test
    void reportsTheFirstMatchingEntry() {
        AllowlistEntry anthropic = entry(PatternType.GLOB, "https://api.anthropic.com/*");
        AllowlistEntry openaiRegex = entry(PatternType.REGEX, "https://api\\.openai\\.com/v1/.*");
        AllowlistEntry openaiGlob = entry(PatternType.GLOB, "https://api.openai.com/*");
        Allowlist allowlist = new Allowlist(List.of(anthropic, openaiRegex, openaiGlob));

        AllowlistDecision decision = allowlist.check("https://api.openai.com/v1/chat");
        assertTrue(decision.allowed());
        assertSame(openaiRegex, decision.matchedEntry());
        assertEquals(2, decision.patternsChecked());
        assertEquals("matched regex pattern", decision.reason());

        AllowlistDecision second = allowlist.check("https://api.openai.com/v2/chat");
        assertTrue(second.allowed());
        assertSame(openaiGlob, second.matchedEntry());
        assertEquals(3, second.patternsChecked());
        assertEquals("matched glob pattern", second.reason());

        AllowlistDecision first = allowlist.check("https://api.anthropic.com/v1/messages");
        assertSame(anthropic, first.matchedEntry());
        assertEquals(1, first.patternsChecked());
    }

    @Test
    void deniesWhatNoEntryMatches() {
        Allowlist allowlist = new Allowlist(List.of(
                entry(PatternType.REGEX, "^https://api\\.openai\\.com"),
                entry(PatternType.GLOB, "https://api.anthropic.com/*")));
        AllowlistDecision decision = allowlist.check("https://api.openai.com.evil.example");
        assertFalse(decision.allowed());
        assertNull(decision.matchedEntry());
        assertEquals(2, decision.patternsChecked());
        assertEquals("resource not in allowlist (2 pattern(s) checked)", decision.reason());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void rejectsABlankResource(String resource) {
        invalid(() -> new Allowlist(List.of()).check(resource), "resource must not be empty");
        invalid(() -> new Allowlist(List.of(entry(PatternType.GLOB, "*"))).check(resource), "resource must not be empty");
    }

    @Test
    void limitsResourcesTo4096Characters() {
        Allowlist allowlist = new Allowlist(List.of(entry(PatternType.GLOB, "https://x.com/*")));
        String longest = "https://x.com/" + "a".repeat(4096 - "https://x.com/".length());
        assertEquals(4096, longest.length());
        assertTrue(allowlist.check(longest).allowed());
        invalid(() -> allowlist.check(longest + "a"), "resource is longer than 4096 characters");
        invalid(() -> new Allowlist(List.of()).check(longest + "a"), "resource is longer than 4096 characters");
    }

    @Test
    void anInvalidStoredPatternIsRefusedUpFront() {
        invalid(() -> new Allowlist(List.of(entry(PatternType.REGEX, "(unclosed"))), "invalid regex '(unclosed'");
    }

    @Test
    void laterChangesToTheGivenListDoNotLeakIn() {
        List<AllowlistEntry> entries = new ArrayList<>();
        Allowlist allowlist = new Allowlist(entries);
        entries.add(entry(PatternType.GLOB, "*"));
        AllowlistDecision decision = allowlist.check("https://x.com");
        assertFalse(decision.allowed());
        assertEquals(0, decision.patternsChecked());
    }
}
