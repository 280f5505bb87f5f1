package io.caracal.core.pipeline;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container shape: a polled batch is run, and its offsets are committed only after that, so a consumer
 * killed at any point re-reads what it had not finished (and processing it again changes nothing). If the batch
 * cannot be finished (the dead-letter queue is unreachable), the consumer seeks back and the batch comes again.
 * A shutdown's wake-up (or interrupt) is not such a failure and passes through: the listener's poll loop ends only
 * when it sees it, and the framework's close waits, spinning, for that loop to end.
 */
public final class KafkaBatches {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatches.class);

    private KafkaBatches() {
    }

    /**
     * Takes the polled records as the consumer gave them (micronaut-kafka's {@code ConsumerRecords}): bound as a list,
     * each record went through the framework's argument binding on its own: a fifth of the ledger consumers' CPU samples.
     */
    public static void handle(Iterable<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer, BatchRunner runner) {
        List<ConsumedRecord> polled = new ArrayList<>();
        records.forEach(record -> polled.add(consumed(record)));
        if (polled.isEmpty()) {
            return;
        }
        try {
            runner.run(polled, BatchRunner.Mode.RETRY_THEN_DEAD_LETTER);
            consumer.commitSync(nextOffsets(polled));
            runner.metrics().lag(consumer);
        } catch (WakeupException | InterruptException shutdown) {
            // If its commit was cut short, the batch is read again by whoever takes the partitions next: that changes nothing.
            throw shutdown;
        } catch (RuntimeException e) {
            LOG.error("{}: a batch of {} records could not be finished, reading it again: {}", runner.consumerGroup(), polled.size(),
                    e.toString());
            runner.metrics().error("batch_failed", 1);
            firstOffsets(polled).forEach(consumer::seek);
        }
    }

    public static ConsumedRecord consumed(ConsumerRecord<String, byte[]> record) {
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? new byte[0] : header.value());
        }
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), headers, record.timestamp());
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumedRecord> polled) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumedRecord record : polled) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private static Map<TopicPartition, Long> firstOffsets(List<ConsumedRecord> polled) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (ConsumedRecord record : polled) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
        }
        return offsets;
    }
}
