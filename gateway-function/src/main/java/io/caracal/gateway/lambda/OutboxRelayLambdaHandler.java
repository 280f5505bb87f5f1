package io.caracal.gateway.lambda;

import io.caracal.core.config.KafkaSettings;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.ScheduledLambdaHandler;
import io.micronaut.context.ApplicationContext;

/**
 * The outbox relay of the serverless shape, where the gateway function has no relay thread: EventBridge Scheduler
 * invokes it every minute, and each invocation publishes the outbox to Kafka, batch after batch, until it is empty or
 * the invocation's time is nearly up. The container gateway's relay thread publishes with the same
 * {@link OutboxRelay#publishBatch}. Needs the shared connections only (DB_*, KAFKA_*).
 */
public class OutboxRelayLambdaHandler extends ScheduledLambdaHandler {
    public static final String[] ENVIRONMENTS = {"services", FunctionLauncher.LAMBDA};

    private final OutboxRelay relay;

    /** Called by the Lambda runtime once per container: configuration comes from the environment. */
    public OutboxRelayLambdaHandler() {
        this(FunctionLauncher.context(ENVIRONMENTS).start());
    }

    public OutboxRelayLambdaHandler(ApplicationContext context) {
        super(context, "outbox-relay");
        KafkaSettings kafka = context.getBean(KafkaSettings.class);
        this.relay = new OutboxRelay(context.getBean(OutboxStore.class), kafka.connection(), kafka.getPartitions());
    }

    @Override
    protected int step() {
        return relay.publishBatch();
    }

    @Override
    public void close() {
        relay.close();
        super.close();
    }
}
