package io.caracal.cli.dlq;

import io.caracal.core.error.KafkaFailureException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.Redelivery;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends dead letters back to where they came from ({@link io.caracal.core.pipeline.DeadLetterReader} reads the queue). */
final class DeadLetterQueue {
    private final KafkaConnection connection;

    DeadLetterQueue(KafkaConnection connection) {
        this.connection = connection;
    }

    /** Sends dead letters' original records (key, value and headers as they were) back to their topics, for the group that failed each. */
    final class Resender implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;

        Resender() {
            Map<String, Object> config = new HashMap<>(connection.clientProperties());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }

        /** Returns once every in-sync replica has the record; its new position, "topic-partition@offset". */
        String resend(DeadLetter letter) {
            ConsumedRecord original = letter.original();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(original.topic(), original.key(), original.value());
            original.headers().forEach((name, value) -> record.headers().add(name, value));
            Redelivery.next(letter).headers().forEach((name, value) -> record.headers().add(name, value));
            try {
                RecordMetadata sent = producer.send(record).get(30, TimeUnit.SECONDS);
                return sent.topic() + "-" + sent.partition() + "@" + sent.offset();
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaFailureException("Kafka did not take dead letter " + letter.dlqId() + ": "
                        + (e.getCause() == null ? e.toString() : e.getCause().getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaFailureException("interrupted while retrying dead letter " + letter.dlqId(), e);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
