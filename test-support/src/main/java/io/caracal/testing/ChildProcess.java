package io.caracal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Caracal process a test starts on its own (a runnable jar, or an image's entrypoint), configured by environment
 * variables, its output in {@code target/<name>.log}.
 */
public final class ChildProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Runs {@code command} with {@code environment} added to the test's own. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment) {
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            return new ChildProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Everything the process has printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lines of its output that report an error: logged at ERROR, as a JSON line (a process's default, whose
     * stack_trace holds the causes) or as text (LOG_FORMAT=text), or an exception's cause in text.
     */
    public List<String> errorLines() {
        return output().lines().filter(line -> line.contains("\"level\":\"ERROR\"") || line.contains(" ERROR ") || line.startsWith("Caused by"))
                .toList();
    }

    /** Blocks until the process has printed {@code text}; fails with its output if it exits or {@code timeout} passes first. */
    public void awaitOutput(String text, Duration timeout) {
        Await.until(timeout, () -> running() && output().contains(text), "\"" + text + "\" in the output of " + log);
    }

    /** Blocks until a GET of {@code uri} answers 200, and returns the body; fails as {@link #awaitOutput} does. */
    public String awaitOk(URI uri, Duration timeout) {
        HttpResponse<String> last = Await.until(timeout, () -> running() ? get(uri) : null, r -> r != null && r.statusCode() == 200);
        if (last == null || last.statusCode() != 200) {
            throw new AssertionError("GET " + uri + " did not answer 200 within " + timeout.toSeconds() + " s (last: "
                    + (last == null ? "no answer" : last.statusCode() + " " + last.body()) + "); output:\n" + output());
        }
        return last.body();
    }

    /** Blocks until it exits by itself, and returns its exit code; fails if it still runs after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + timeout.toSeconds() + " s:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    private boolean running() {
        if (!process.isAlive()) {
            throw new AssertionError("the process exited with " + process.exitValue() + ":\n" + output());
        }
        return true;
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops it as Kubernetes and ECS do, with SIGTERM to the program (the process itself, or the innermost process of
     * a launcher such as {@code buildah run}, which passes its exit code on), and returns the exit code once it has
     * exited: 143 when the JVM ran its shutdown hooks and ended on the signal.
     */
    public int stop(Duration timeout) {
        List<ProcessHandle> programs = process.descendants().filter(p -> p.children().findAny().isEmpty()).toList();
        if (programs.isEmpty()) {
            process.destroy();
        } else {
            programs.forEach(ProcessHandle::destroy);
        }
        return awaitExit(timeout);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
