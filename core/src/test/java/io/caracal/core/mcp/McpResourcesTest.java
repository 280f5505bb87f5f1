package io.caracal.core.mcp;

import io.caracal.core.allowlist.Allowlist;
import io.caracal.core.allowlist.AllowlistEntry;
import io.caracal.core.allowlist.PatternType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpResourcesTest {
    private static Allowlist allowlist(String... globs) {
        return new Allowlist(java.util.Arrays.stream(globs)
                .map(glob -> new AllowlistEntry(UUID.randomUUID(), UUID.randomUUID(), glob, PatternType.GLOB, true, Instant.EPOCH, null))
                .toList());
    }

    @Test
    void namesToolsAndResourcesUnderTheirServer() {
        assertEquals("mcp:github:create_issue", McpResources.tool("github", "create_issue"));
        assertEquals("mcp:github:resource:file:///repo/README.md", McpResources.resource("github", "file:///repo/README.md"));
    }

    @Test
    void aGlobOnTheServerAllowsItsToolsAndResourcesOnly() {
        Allowlist allowlist = allowlist("mcp:github:*");
        assertTrue(allowlist.check(McpResources.tool("github", "create_issue")).allowed());
        assertTrue(allowlist.check(McpResources.resource("github", "https://github.com/x")).allowed());
        assertFalse(allowlist.check(McpResources.tool("gitlab", "create_issue")).allowed());
        assertFalse(allowlist.check(McpResources.tool("github-enterprise", "create_issue")).allowed());
    }

    @Test
    void aToolCannotTakeAResourcesName() {
        invalid(() -> McpResources.tool("github", "resource:file:///etc/passwd"), "a tool name may not start with 'resource:'");
        assertEquals("mcp:github:resources", McpResources.tool("github", "resources"));
    }

    @Test
    void refusesEmptyNamesAndAServerNameWithAColon() {
        invalid(() -> McpResources.tool("github", ""), "the tool name must not be empty");
        invalid(() -> McpResources.tool("github", null), "the tool name must not be empty");
        invalid(() -> McpResources.resource("github", ""), "the resource URI must not be empty");
        invalid(() -> McpResources.tool("", "x"), "the MCP server name must be non-empty and hold no ':', got ''");
        invalid(() -> McpResources.tool("git:hub", "x"), "the MCP server name must be non-empty and hold no ':', got 'git:hub'");
    }

    @Test
    void allowedToolsAsksTheAllowlistAndRefusesWhatItCannotCheck() {
        Predicate<String> allowed = McpResources.allowedTools(allowlist("mcp:github:search_*", "mcp:github:resource:*"), "github");
        assertTrue(allowed.test("search_code"));
        assertFalse(allowed.test("delete_repo"));
        assertFalse(allowed.test("resource:x"), "a resource pattern does not allow a tool named like one");
        assertFalse(allowed.test("search_\u0000"), "a control character cannot be checked");
        assertFalse(allowed.test("search_" + "x".repeat(Allowlist.MAX_RESOURCE_LENGTH)));
        assertFalse(McpResources.allowedTools(new Allowlist(List.of()), "github").test("search_code"), "no entries: default deny");
    }
}
