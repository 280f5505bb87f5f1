package io.caracal.ledger;

import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.pipeline.BatchRunner;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.KafkaBatches;
import io.caracal.core.ledger.LedgerReferences;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.Database;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import java.time.Clock;

/**
 * The ledger consumer in a container: batches of metering events, offsets committed after the ledger commit. Not in
 * Lambda, where the event source mapping polls and invokes {@link LedgerLambdaHandler}. One consumer per partition of
 * the topic (KAFKA_PARTITIONS; one where no partition count is configured), each with its own transaction: while one
 * batch is in PostgreSQL the others are being fetched and decoded.
 */
@Requires(property = "caracal.consumers.ledger-writer.enabled", value = "true")
@Requires(notEnv = FunctionLauncher.LAMBDA)
@KafkaListener(groupId = LedgerWriter.GROUP, batch = true, threadsValue = "${caracal.kafka.partitions:1}", offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        properties = {@Property(name = ConsumerConfig.MAX_POLL_RECORDS_CONFIG, value = "2000"),
                @Property(name = ConsumerConfig.ISOLATION_LEVEL_CONFIG, value = "read_committed")})
public class LedgerListener {
    private final BatchRunner runner;

    /** The agents and policies the events name come from memory, forgotten when the change feed says they changed. */
    LedgerListener(ApplicationContext context, Database db, ChangeFeed feed, Clock clock) {
        LedgerReferences references = new LedgerReferences(db, feed, ChangeFeed.CACHE_TTL, clock);
        this.runner = FunctionLauncher.runner(context, new LedgerWriter(new LedgerStore(db, clock, references)));
    }

    @Topic(Topics.METERING)
    void receive(ConsumerRecords<String, byte[]> records, Consumer<?, ?> consumer) {
        KafkaBatches.handle(records, consumer, runner);
    }
}
