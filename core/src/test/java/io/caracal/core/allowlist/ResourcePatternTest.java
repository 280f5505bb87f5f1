package io.caracal.core.allowlist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourcePatternTest {

    private static ResourcePattern regex(String text) {
        return ResourcePattern.compile(PatternType.REGEX, text);
    }

    private static ResourcePattern glob(String text) {
        return ResourcePattern.compile(PatternType.GLOB, text);
    }

    @Test
    void aRegexMustMatchTheWholeResource() {
        ResourcePattern openai = regex("^https://api\\.openai\\.com");
        assertTrue(openai.matches("https://api.openai.com"));
        assertFalse(openai.matches("https://api.openai.com.evil.example"));
        assertFalse(openai.matches("https://api.openai.com/v1/chat"));
    }

    @Test
    void aRegexIsNotSearchedForInsideTheResource() {
        assertFalse(regex("openai").matches("https://api.openai.com"));
        assertFalse(regex("api\\.openai\\.com/.*").matches("https://api.openai.com/v1"));
    }

    @Test
    void aRegexWithAWildcardPathStaysOnItsHost() {
        ResourcePattern openai = regex("https://api\\.openai\\.com/.*");
        assertTrue(openai.matches("https://api.openai.com/v1/chat/completions"));
        assertFalse(openai.matches("https://api.openai.com.evil.example/v1"));
        assertFalse(openai.matches("http://api.openai.com/v1"));
    }

    @Test
    void anInvalidRegexIsExplained() {
        invalid(() -> regex("https://(api"), "invalid regex 'https://(api'", "Unclosed group");
        invalid(() -> regex("[a-"), "invalid regex '[a-'", "near index");
        invalid(() -> regex("*.openai.com"), "invalid regex '*.openai.com'", "Dangling meta character '*'", "near index 0");
    }

    @ParameterizedTest
    @EnumSource(PatternType.class)
    void rejectsAnEmptyPattern(PatternType type) {
        invalid(() -> ResourcePattern.compile(type, null), "pattern must not be empty");
        invalid(() -> ResourcePattern.compile(type, ""), "pattern must not be empty");
        invalid(() -> ResourcePattern.compile(type, "   "), "pattern must not be empty");
    }

    @ParameterizedTest
    @EnumSource(PatternType.class)
    void limitsPatternsTo1000Characters(PatternType type) {
        String longest = "a".repeat(1000);
        assertTrue(ResourcePattern.compile(type, longest).matches(longest));
        invalid(() -> ResourcePattern.compile(type, longest + "a"), "pattern is longer than 1000 characters");
    }

    @Test
    void keepsTypeAndText() {
        ResourcePattern pattern = glob("https://x.com/*");
        assertEquals(PatternType.GLOB, pattern.type());
        assertEquals("https://x.com/*", pattern.text());
        assertEquals(PatternType.REGEX, regex("a.*").type());
        assertEquals("a.*", regex("a.*").text());
    }

    @Test
    void aGlobStarMatchesAcrossSlashes() {
        ResourcePattern openai = glob("https://api.openai.com/*");
        assertTrue(openai.matches("https://api.openai.com/v1/chat/completions"));
        assertTrue(openai.matches("https://api.openai.com/"));
        assertFalse(openai.matches("https://api.openai.com"));
        assertFalse(openai.matches("https://api.openai.com.evil.example/v1"));
    }

    @Test
    void aGlobStarInTheMiddleMatchesAnyRun() {
        ResourcePattern pattern = glob("openai.*.input_tokens");
        assertTrue(pattern.matches("openai.gpt-4o.input_tokens"));
        assertTrue(pattern.matches("openai..input_tokens"));
        assertTrue(pattern.matches("openai.a/b/c.input_tokens"));
        assertFalse(pattern.matches("openai.gpt-4o.output_tokens"));
    }

    @Test
    void aGlobQuestionMarkMatchesExactlyOneCharacter() {
        ResourcePattern pattern = glob("https://x.com/v?/models");
        assertTrue(pattern.matches("https://x.com/v1/models"));
        assertTrue(pattern.matches("https://x.com/v//models"));
        assertFalse(pattern.matches("https://x.com/v/models"));
        assertFalse(pattern.matches("https://x.com/v12/models"));
    }

    @Test
    void regexMetacharactersInAGlobAreLiteral() {
        ResourcePattern plus = glob("https://x.com/a+b");
        assertTrue(plus.matches("https://x.com/a+b"));
        assertFalse(plus.matches("https://x.com/aab"));
        assertFalse(plus.matches("https://x.com/aaab"));
        assertFalse(plus.matches("https://x.com/ab"));

        ResourcePattern dot = glob("https://x.com/a.b");
        assertTrue(dot.matches("https://x.com/a.b"));
        assertFalse(dot.matches("https://x.com/axb"));
        assertFalse(glob("https://x.com/").matches("https://xycom/"));

        ResourcePattern brackets = glob("https://x.com/[v1]|(a)^$");
        assertTrue(brackets.matches("https://x.com/[v1]|(a)^$"));
        assertFalse(brackets.matches("https://x.com/v"));
    }

    @Test
    void aGlobCannotEscapeItsQuoting() {
        ResourcePattern pattern = glob("a\\E+b");
        assertTrue(pattern.matches("a\\E+b"));
        assertFalse(pattern.matches("aab"));
        assertFalse(pattern.matches("ab"));
        ResourcePattern quoted = glob("x\\E*");
        assertTrue(quoted.matches("x\\E/anything"));
        assertFalse(quoted.matches("x/anything"));
    }

    @Test
    void aGlobIsCaseSensitive() {
        assertFalse(glob("https://API.openai.com/*").matches("https://api.openai.com/v1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://x.com", "anything at all", "/"})
    void aLoneStarMatchesEverything(String resource) {
        assertTrue(glob("*").matches(resource));
    }

    @ParameterizedTest
    @CsvSource({"regex, REGEX", "' REGEX ', REGEX", "Glob, GLOB"})
    void patternTypeParseIgnoresCaseAndSpace(String label, PatternType expected) {
        assertEquals(expected, PatternType.parse(label));
        assertEquals(expected.name().toLowerCase(), expected.label());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "wildcard", "re"})
    void patternTypeParseRejectsOtherNames(String label) {
        invalid(() -> PatternType.parse(label), "unknown pattern type '" + label + "' (one of regex, glob)");
    }
}
