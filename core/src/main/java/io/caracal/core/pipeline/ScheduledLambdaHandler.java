package io.caracal.core.pipeline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.caracal.core.metrics.EmfPublisher;
import io.micronaut.context.ApplicationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A background job of the containers as an AWS Lambda that EventBridge Scheduler invokes (every minute, see
 * infra/terraform modules/schedule), so it runs whether or not any request is in flight. An invocation repeats the
 * job's step until a step finds nothing to do or the invocation's time is nearly up.
 *
 * <p>The event is never read: a schedule tells the job nothing it needs (the Scheduler's payload, a "Scheduled
 * Event" of an EventBridge rule and a hand-made test invocation all mean "run now"), so no input can make it fail.
 * A failed step fails the invocation: the work it did not commit is found again by the next run, and Lambda's
 * Errors metric, which the alarms watch, counts it. Each invocation, failed or not, ends with its metrics written
 * as CloudWatch Embedded Metric Format, under dimension {@code function}.
 */
public abstract class ScheduledLambdaHandler implements RequestStreamHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledLambdaHandler.class);
    /**
     * No step starts later than this before the invocation's deadline: the last one (a batch sent to Kafka and
     * acknowledged, or one Merkle transaction) must end before Lambda cuts the invocation off mid-commit.
     */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(15);
    /** The time a run has when nothing says what remains (no Lambda context: a test, a local run). */
    static final Duration WITHOUT_CONTEXT = Duration.ofSeconds(30);

    private final ApplicationContext context;
    private final Clock clock;
    private final String function;
    private final EmfPublisher metrics;

    protected ScheduledLambdaHandler(ApplicationContext context, String function) {
        this.context = context;
        this.clock = context.getBean(Clock.class);
        this.function = function;
        this.metrics = context.getBean(EmfPublisher.class);
    }

    /** One step of the job; returns how many items it handled, 0 when there was nothing to do. Throws when it failed. */
    protected abstract int step();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        Duration remaining = lambdaContext == null ? WITHOUT_CONTEXT : Duration.ofMillis(lambdaContext.getRemainingTimeInMillis());
        Instant lastStart = clock.instant().plus(remaining).minus(SAFETY_MARGIN);
        long handled = 0;
        int handledByStep;
        try {
            do {
                handledByStep = step();
                handled += handledByStep;
            } while (handledByStep > 0 && clock.instant().isBefore(lastStart));
        } finally {
            metrics.publish(function);
        }
        if (handled > 0) {
            LOG.info("{}: {} handled", getClass().getSimpleName(), handled);
        }
        output.write(("{\"handled\":" + handled + "}").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        context.close();
    }
}
