package io.caracal.gateway.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * mcp-server.mjs running: a real MCP server (the official SDK's) with the tools search, translate and delete_all and
 * the resource {@value #README_URI}. It logs each tool call it runs to stderr before it answers, and stderr goes to a
 * file, so once a client has its answer the file already says whether the call got here.
 */
final class NodeMcpServer implements AutoCloseable {
    static final String README_URI = "file:///docs/readme.txt";
    static final String README_TEXT = "The readme of Caracal's stub MCP server, exactly 64 bytes long.\n";
    static final List<String> TOOLS = List.of("search", "translate", "delete_all");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_LIMIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path stderr;
    private final URI url;

    private NodeMcpServer(Process process, Path stderr, int port) {
        this.process = process;
        this.stderr = stderr;
        this.url = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    static NodeMcpServer start(ProcessBuilder builder, Path stderr) {
        Process process;
        try {
            process = builder.redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mcp-server.mjs", e);
        }
        // Its first stdout line is {"port":N}, printed once it listens; nothing follows on stdout.
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String line = firstLine.get(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode port = line == null ? null : JSON.readTree(line).get("port");
            if (port == null || !port.isInt()) {
                throw new IllegalStateException("unexpected first line " + line);
            }
            return new NodeMcpServer(process, stderr, port.asInt());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while mcp-server.mjs started", e);
        } catch (ExecutionException | TimeoutException | JsonProcessingException | IllegalStateException e) {
            process.destroyForcibly();
            throw new AssertionError("mcp-server.mjs did not report its port within " + START_LIMIT + ":\n" + NodeClients.read(stderr), e);
        }
    }

    /** The Streamable HTTP endpoint, e.g. http://127.0.0.1:40123/mcp. */
    URI url() {
        return url;
    }

    /** The tools it has run, in order. */
    List<String> executedTools() {
        List<String> tools = new ArrayList<>();
        for (String line : NodeClients.read(stderr).lines().toList()) {
            try {
                JsonNode executed = line.startsWith("{") ? JSON.readTree(line).get("executed") : null;
                if (executed != null) {
                    tools.add(executed.asText());
                }
            } catch (JsonProcessingException e) {
                // not one of its own lines: a Node warning, which is no tool call
            }
        }
        return tools;
    }

    /** Everything it wrote to stderr, for a failing test's message. */
    String log() {
        return NodeClients.read(stderr);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NodeClients.delete(stderr);
    }
}
