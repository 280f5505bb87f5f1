package io.caracal.cli.backup;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client programs a backup runs (pg_dump, pg_restore): from $PG_DUMP / $PG_RESTORE or the PATH. A client
 * older than the server refuses to dump it, so its major version is checked first and the refusal said plainly.
 */
final class PgTools {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final long TIMEOUT_MINUTES = 60;

    private PgTools() {
    }

    /** A program's run: its exit code and what it printed (stdout and stderr together). */
    record Run(int exitCode, String output) {
        String firstLine() {
            return output.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + exitCode);
        }
    }

    /** The program to run, or empty when $VARIABLE names none that exists and the PATH has none. */
    static Optional<Path> locate(Map<String, String> env, String variable, String program) {
        String configured = env.get(variable);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    /** Why {@code program} cannot dump a server of {@code serverMajor}, or empty when it can. */
    static Optional<String> unusableFor(Path program, int serverMajor) {
        Run run = run(List.of(program.toString(), "--version"), Map.of());
        Matcher version = VERSION.matcher(run.output());
        if (run.exitCode() != 0 || !version.find()) {
            return Optional.of(program + " --version failed: " + run.firstLine());
        }
        int major = Integer.parseInt(version.group(1));
        return major >= serverMajor ? Optional.empty() : Optional.of(program + " is version " + major + " but the server is PostgreSQL "
                + serverMajor + ", which it cannot dump; set PG_DUMP to a pg_dump " + serverMajor + " or newer");
    }

    /** Runs a program with extra environment (the password goes there, never on its command line). */
    static Run run(List<String> command, Map<String, String> environment) {
        try {
            Path output = Files.createTempFile("caracal-pg", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return new Run(-1, command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes");
                }
                return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Run(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, command.get(0) + " was interrupted");
        }
    }
}
