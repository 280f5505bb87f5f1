package io.caracal.core.pipeline;

import io.caracal.core.secret.SecretArns;
import io.caracal.core.store.SchemaMigrator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.env.PropertySource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** How the consumer functions start, in a container or a Lambda, with the same wiring. */
public final class FunctionLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionLauncher.class);
    /**
     * The environment of every Lambda handler's context. Lambda freezes an environment between invocations, so
     * the containers' background loops (consumers polling Kafka, scheduled jobs, the outbox relay) are off in it:
     * each has its own trigger instead (an event source mapping, or a schedule and a {@link ScheduledLambdaHandler}).
     */
    public static final String LAMBDA = "lambda";

    private FunctionLauncher() {
    }

    /**
     * How every function's context starts, in a container or a Lambda: {@code environments}, configuration from the
     * environment variables, and the secrets their X_SECRET_ARN variables name read from AWS Secrets Manager.
     */
    public static ApplicationContextBuilder context(String... environments) {
        return ApplicationContext.builder().environments(environments).propertySources(secrets(System.getenv()));
    }

    /**
     * The secrets {@code environment}'s X_SECRET_ARN variables name, under the names of the variables they stand for,
     * so the configuration's {@code ${X}} placeholders read them as they would the variables.
     */
    public static PropertySource secrets(Map<String, String> environment) {
        return PropertySource.of("secret-arns", SecretArns.fromSecretsManager(environment), PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
    }

    /** A batch runner for {@code processor} with the context's dead-letter queue, clock and meter registry. */
    public static BatchRunner runner(ApplicationContext context, EventProcessor processor) {
        return new BatchRunner(processor, context.getBean(DeadLetterSink.class), BatchRunner.Retry.standard(), context.getBean(Clock.class),
                context.getBean(MeterRegistry.class));
    }

    /**
     * Runs a function as a container process: configuration from the environment (the "services" environment
     * maps DB_HOST, KAFKA_BOOTSTRAP_SERVERS, ... and {@code function} switches its listener on), the schema
     * migrated when MIGRATE_ON_START=true, and a clean stop on SIGTERM.
     */
    public static void runContainer(String function, String[] args) throws InterruptedException {
        if ("true".equalsIgnoreCase(System.getenv("MIGRATE_ON_START"))) {
            // In a context of the shared services alone, closed before the function's own starts: that one starts
            // its consumer and scheduled jobs at once, which must not meet a database without its tables.
            try (ApplicationContext services = context("services").args(args).start()) {
                services.getBean(SchemaMigrator.class).migrate();
            }
        }
        ApplicationContext context = context("services", function).args(args).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            stopped.countDown();
        }, "caracal-" + function + "-shutdown"));
        LOG.info("caracal {} function running", function);
        stopped.await();
    }
}
