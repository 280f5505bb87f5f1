package io.caracal.gateway.mcp;

import io.caracal.gateway.GatewayApplication;
import io.micronaut.runtime.Micronaut;

import java.util.Map;

/**
 * The MCP adapter as its own workload (the seeds' {@code mcpAdapter}; {@code caracal mcp-service start} in v0.3):
 * the gateway, serving only the MCP servers named in {@code CARACAL_MCP_SERVERS}, each at {@code /mcp/<name>}, with
 * the gateway's authentication, allowlists, budgets and ledger. Unlike v0.3's service it authenticates every call
 * and really forwards it.
 */
public final class McpAdapterApplication {
    private McpAdapterApplication() {
    }

    public static void main(String[] args) {
        Map<String, Object> servers = McpServers.properties(System.getenv("CARACAL_MCP_SERVERS"));
        // No banner, as the gateway's: stdout holds the log lines.
        Micronaut.build(args).mainClass(McpAdapterApplication.class).banner(false).environments(GatewayApplication.ENVIRONMENTS)
                .properties(servers).start();
    }
}
