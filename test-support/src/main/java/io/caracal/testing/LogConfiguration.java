package io.caracal.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A process's logback configuration applied in a logging context of its own, as it would start with
 * {@code environment} (LOG_FORMAT, LOG_LEVEL: logback reads its context's properties before the environment's
 * variables): what {@code logging} writes to stdout and to stderr.
 */
public final class LogConfiguration {
    public record Output(List<String> stdout, List<String> stderr) {
    }

    private LogConfiguration() {
    }

    public static synchronized Output run(URL configuration, Map<String, String> environment, Consumer<Logger> logging) {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter()); // the MDC the code under test puts its ids in
        environment.forEach(context::putProperty);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        // The console appenders write to whatever System.out and System.err are when they write.
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(configuration);
            logging.accept(context.getLogger("io.caracal.Example"));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logback from " + configuration, e);
        } finally {
            context.stop();
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Output(out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
