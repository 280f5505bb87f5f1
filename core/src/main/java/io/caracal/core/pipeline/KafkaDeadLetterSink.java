package io.caracal.core.pipeline;

import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.RegistryFraming;
import io.caracal.core.event.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/** Dead letters on the {@value Topics#DLQ} topic, keyed like the original record, acknowledged by all replicas. */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final UnaryOperator<ProducerRecord<String, byte[]>> framing;

    public KafkaDeadLetterSink(KafkaConnection connection) {
        Map<String, Object> config = new HashMap<>(connection.clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.framing = RegistryFraming.of(connection);
    }

    @Override
    public void send(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        String fingerprint = EventSchemas.get().latestFingerprint(EventSchemas.DEAD_LETTER);
        for (DeadLetter letter : letters) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DLQ, letter.original().key(), EventCodec.encode(letter.toRecord()));
            record.headers().add(EventCodec.FINGERPRINT_HEADER, fingerprint.getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventCodec.EVENT_TYPE_HEADER, EventSchemas.DEAD_LETTER.getBytes(StandardCharsets.UTF_8));
            if (letter.eventId() != null) {
                record.headers().add(EventCodec.EVENT_ID_HEADER, letter.eventId().getBytes(StandardCharsets.UTF_8));
            }
            sends.add(producer.send(framing.apply(record)));
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the dead-letter queue did not take a record: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the dead-letter queue", e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
