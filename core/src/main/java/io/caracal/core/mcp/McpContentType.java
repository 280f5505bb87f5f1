package io.caracal.core.mcp;

import java.util.Locale;

/** The two ways an MCP server answers a POST over Streamable HTTP: application/json, or text/event-stream. */
public final class McpContentType {
    private McpContentType() {
    }

    /** Whether a Content-Type header names an SSE stream, whatever its parameters and case. */
    public static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = parameters < 0 ? contentType : contentType.substring(0, parameters);
        return mediaType.trim().toLowerCase(Locale.ROOT).equals("text/event-stream");
    }
}
