package io.caracal.infra.tool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool the checks run (terraform, kubectl, docker-compose), found on the PATH. The tools are
 * prerequisites of the build (README): a missing one is an error that says what to install, never a check skipped.
 *
 * @param executable  the command's name, as on the PATH
 * @param requirement what to install, for the message when it is missing
 */
public record Tool(String executable, String requirement) {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** What a run printed (stdout and stderr, interleaved) and its exit code. */
    public record Run(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs the tool in {@code dir} with {@code args}. Its environment is PATH, HOME and {@code env} only, so that the
     * caller's shell (a DB_PASSWORD exported there, a KUBECONFIG) cannot change what is checked.
     *
     * @throws IllegalStateException when the tool is not installed, or runs longer than two minutes
     */
    public Run run(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        Path output = null;
        try {
            output = Files.createTempFile("caracal-" + executable + "-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            Map<String, String> environment = builder.environment();
            String path = environment.get("PATH");
            String home = environment.get("HOME");
            environment.clear();
            if (path != null) {
                environment.put("PATH", path);
            }
            if (home != null) {
                environment.put("HOME", home);
            }
            environment.putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException notInstalled) {
                throw new IllegalStateException(executable + " is not on the PATH: install " + requirement + " ("
                        + notInstalled.getMessage() + ")", notInstalled);
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT.toSeconds() + " s");
            }
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " was interrupted", e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
