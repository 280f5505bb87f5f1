package io.caracal.core.mcp;

import io.caracal.core.allowlist.Allowlist;
import io.caracal.core.error.InvalidInputException;

import java.util.function.Predicate;

/**
 * The names MCP calls have in allowlists: {@code mcp:<server>:<tool>} for a tool and
 * {@code mcp:<server>:resource:<uri>} for a resource, so {@code mcp:github:*} allows everything on the
 * upstream named github and {@code mcp:github:resource:*} only its resources.
 */
public final class McpResources {
    private static final String RESOURCE = "resource:";

    private McpResources() {
    }

    /**
     * A tool's name. A tool whose name starts with {@code resource:} is refused: its name would be a
     * resource's, and a pattern written for resources would allow it.
     */
    public static String tool(String server, String tool) {
        if (tool == null || tool.isEmpty()) {
            throw new InvalidInputException("the tool name must not be empty");
        }
        if (tool.startsWith(RESOURCE)) {
            throw new InvalidInputException("a tool name may not start with '" + RESOURCE + "': it would name a resource");
        }
        return prefix(server) + tool;
    }

    /** A resource's name, from the URI the client reads. */
    public static String resource(String server, String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new InvalidInputException("the resource URI must not be empty");
        }
        return prefix(server) + RESOURCE + uri;
    }

    /**
     * Whether the allowlist lets the agent call a tool of {@code server}, for {@link ToolsListFilter}: a name the
     * allowlist refuses to check (too long, control characters) is not allowed.
     */
    public static Predicate<String> allowedTools(Allowlist allowlist, String server) {
        return tool -> {
            try {
                return allowlist.check(tool(server, tool)).allowed();
            } catch (InvalidInputException e) {
                return false;
            }
        };
    }

    private static String prefix(String server) {
        if (server == null || server.isEmpty() || server.contains(":")) {
            // A colon in the server's name would let mcp:a:b:c name server a's tool b:c and server a:b's tool c.
            throw new InvalidInputException("the MCP server name must be non-empty and hold no ':', got '" + server + "'");
        }
        return "mcp:" + server + ":";
    }
}
