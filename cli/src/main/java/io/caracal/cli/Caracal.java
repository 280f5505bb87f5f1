package io.caracal.cli;

import io.caracal.core.error.CaracalException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code caracal} command. Every failure ends as one line on stderr and a non-zero exit code:
 * 2 for a malformed command line, 1 for anything the command itself refused or could not do.
 */
public final class Caracal {
    private Caracal() {
    }

    public static void main(String[] args) {
        exit(args, Distribution.ADMIN);
    }

    /** Runs the command line on the process's environment and streams, and exits with its code: each distribution's main. */
    public static void exit(String[] args, Distribution distribution) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), out, err, distribution));
    }

    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return run(args, env, out, err, Distribution.ADMIN);
    }

    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, Distribution distribution) {
        try (CliSession session = new CliSession(env, out, err, distribution.localServices())) {
            CommandLine commandLine = commandLine(session, distribution, Arrays.asList(args)::contains)
                    .setOut(out)
                    .setErr(err)
                    .setParameterExceptionHandler((e, arguments) -> {
                        // Some picocli messages (argument groups) already start with "Error: ".
                        String message = e.getMessage().replaceFirst("^Error: ", "");
                        err.println("Error: " + message + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
                        return 2;
                    })
                    .setExecutionExceptionHandler((e, cmd, parseResult) -> fail(err, e, env));
            int code = commandLine.execute(args);
            out.flush();
            err.flush();
            return code;
        } catch (RuntimeException e) {
            // Closing the session (stopping the local database) failed after the command ran.
            return fail(err, e, env);
        }
    }

    /** The whole command tree of a distribution: the admin commands plus its own, each created with the session it needs. */
    public static CommandLine commandLine(CliSession session, Distribution distribution) {
        return commandLine(session, distribution, name -> true);
    }

    /**
     * The command tree with only the groups {@code built} names made in full; every other group is its name and
     * description, all that {@code caracal --help} and a misspelt group's suggestions show. Building a group reads the
     * annotations of each of its commands, which was most of what {@code --help} cost (issue 17).
     */
    private static CommandLine commandLine(CliSession session, Distribution distribution, Predicate<String> built) {
        SessionFactory factory = new SessionFactory(session);
        CommandLine commandLine = new CommandLine(new CaracalCommand(session), factory);
        List<Class<?>> groups = new ArrayList<>(CaracalCommand.GROUPS);
        groups.addAll(distribution.commands());
        for (Class<?> group : groups) {
            Command command = group.getAnnotation(Command.class);
            if (built.test(command.name())) {
                try {
                    commandLine.addSubcommand(factory.create(group));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create " + group.getName(), e);
                }
            } else {
                CommandSpec outline = CommandSpec.create().name(command.name());
                outline.usageMessage().description(command.description());
                commandLine.addSubcommand(command.name(), new CommandLine(outline));
            }
        }
        // After the additions: picocli applies a setting only to the subcommands present when it is set.
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    }

    private static int fail(PrintWriter err, Exception e, Map<String, String> env) {
        if (e instanceof CaracalException) {
            err.println("Error: " + e.getMessage());
        } else {
            err.println("Error: unexpected failure: " + e.toString().lines().findFirst().orElse("")
                    + (env.containsKey("CARACAL_DEBUG") ? "" : " (set CARACAL_DEBUG=1 for details)"));
            if (env.containsKey("CARACAL_DEBUG")) {
                // Looked up here, not in a static field: starting the logging configuration costs --help and the
                // commands that log nothing a good part of their start-up.
                LoggerFactory.getLogger(Caracal.class).error("unexpected failure", e);
            }
        }
        err.flush();
        return 1;
    }

    /** Creates commands, handing the session to those that take it. */
    private record SessionFactory(CliSession session) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CliSession.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(session));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
