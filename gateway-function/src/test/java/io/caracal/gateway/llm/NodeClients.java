package io.caracal.gateway.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official OpenAI, Anthropic and MCP SDKs, run by Node.js from the scripts in src/test/node: what an agent's
 * own client sends and how it reads the answer is what the gateway must get right, so the end-to-end tests drive
 * the real clients rather than hand-written requests. The scripts and their lock file are copied to
 * target/node-clients and installed there with {@code npm ci} once per lock file (Node.js 20+ with npm is a
 * build requirement, like the JDK).
 */
final class NodeClients {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OLDEST_NODE = 20;
    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
    /** Beside node_modules: the SHA-256 of the lock file it was installed from. */
    private static final String INSTALLED_FROM = "node_modules/.caracal-lock.sha256";
    private static Path home;

    private NodeClients() {
    }

    /**
     * Runs {@code script} (e.g. openai-chat.mjs) with only {@code env} and PATH in its environment, so nothing of the
     * build's (an OPENAI_BASE_URL, a proxy) reaches the SDK, and returns the JSON line it printed.
     */
    static JsonNode run(String script, Map<String, String> env, Duration timeout) {
        Path dir = installed();
        Path out = temporary(dir, script + ".out");
        Path err = temporary(dir, script + ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(executable("node").toString(), script).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            isolate(builder, env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(script + " did not finish within " + timeout + "; it wrote:\n" + read(out) + read(err));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(script + " exited with " + process.exitValue() + ":\n" + read(err));
            }
            return lastJsonLine(script, read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + script + " ran", e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    /** Starts mcp-server.mjs on a free port; {@code jsonResponse} chooses application/json over text/event-stream answers. */
    static NodeMcpServer startMcpServer(boolean jsonResponse) {
        Path dir = installed();
        ProcessBuilder builder = new ProcessBuilder(executable("node").toString(), "mcp-server.mjs").directory(dir.toFile());
        isolate(builder, Map.of("PORT", "0", "JSON_RESPONSE", Boolean.toString(jsonResponse)));
        return NodeMcpServer.start(builder, temporary(dir, "mcp-server.err"));
    }

    private static void isolate(ProcessBuilder builder, Map<String, String> env) {
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", System.getenv("PATH"));
        environment.putAll(env);
    }

    private static JsonNode lastJsonLine(String script, String stdout, String stderr) {
        Optional<String> last = stdout.lines().filter(line -> !line.isBlank()).reduce((first, second) -> second);
        try {
            if (last.isPresent()) {
                return JSON.readTree(last.get());
            }
        } catch (JsonProcessingException e) {
            // reported below with everything the script wrote
        }
        throw new AssertionError(script + " printed no JSON line; stdout:\n" + stdout + "\nstderr:\n" + stderr);
    }

    /** The installed copy of src/test/node, installing it first when this JVM has not. */
    private static synchronized Path installed() {
        if (home == null) {
            Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
            home = install(module.resolve("src/test/node"), module.resolve("target/node-clients"));
        }
        return home;
    }

    /**
     * Copies the scripts and installs their packages unless node_modules already came from the same lock file;
     * a file lock keeps two test JVMs from installing into the same folder at once.
     */
    private static Path install(Path source, Path target) {
        requireNode();
        try {
            Files.createDirectories(target);
            try (FileChannel channel = FileChannel.open(target.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                copyChanged(source, target);
                String lockHash = sha256(Files.readAllBytes(target.resolve("package-lock.json")));
                Path stamp = target.resolve(INSTALLED_FROM);
                if (!Files.exists(stamp) || !Files.readString(stamp).equals(lockHash)) {
                    npmCi(target);
                    Files.writeString(stamp, lockHash);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the Node clients into " + target, e);
        }
    }

    /** Copies the scripts and package files whose content differs, leaving alone a script another JVM may be starting. */
    private static void copyChanged(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(NodeClients::isClientFile).toList()) {
                Path copy = target.resolve(file.getFileName());
                byte[] content = Files.readAllBytes(file);
                if (!Files.exists(copy) || !Arrays.equals(content, Files.readAllBytes(copy))) {
                    Files.write(copy, content);
                }
            }
        }
    }

    private static boolean isClientFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".mjs") || name.equals("package.json") || name.equals("package-lock.json"));
    }

    private static void npmCi(Path dir) throws IOException {
        Path log = dir.resolve("npm-ci.log");
        // npm keeps the build's environment: its registry, proxy and cache settings live there.
        Process process = new ProcessBuilder(executable("npm").toString(), "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(INSTALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("npm ci did not finish within " + INSTALL_LIMIT + " in " + dir + ":\n" + read(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during npm ci", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed in " + dir + ":\n" + read(log));
        }
    }

    /** Fails with what to install when node is missing or too old: these tests are not skipped. */
    private static void requireNode() {
        try {
            Process process = new ProcessBuilder(executable("node").toString(), "--version").redirectErrorStream(true).start();
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            int major = Integer.parseInt(version.replaceFirst("^v(\\d+)\\..*$", "$1"));
            if (major < OLDEST_NODE) {
                throw new IllegalStateException("the official-client tests need Node.js " + OLDEST_NODE + " or later; the PATH has " + version);
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot tell the version of Node.js on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Node.js", e);
        }
        executable("npm");
    }

    private static Path executable(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = path == null ? List.of() : List.of(path.split(File.pathSeparator));
        return dirs.stream().map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("the official-client tests need Node.js " + OLDEST_NODE
                        + " or later with npm: `" + name + "` is not on the PATH (" + path + ")"));
    }

    private static Path temporary(Path dir, String suffix) {
        try {
            return Files.createTempFile(dir, "run-", "-" + suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
