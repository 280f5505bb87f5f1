package io.caracal.core.event;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Publishes the outbox to Kafka: batches of pending events are sent with an idempotent, acks=all producer
 * and marked delivered only once every send is acknowledged. While Kafka is unreachable nothing is marked,
 * so the events wait in PostgreSQL and go out when it is back. Each record carries its event id and type in
 * headers; consumers deduplicate by event id.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /** Events per batch: their rows stay locked until Kafka has acknowledged every one of them. */
    private static final int BATCH_SIZE = 500;
    /** The background loop's thread, by which a test sees whether a process relays on its own. */
    public static final String THREAD_NAME = "caracal-outbox-relay";

    private final OutboxStore outbox;
    private final Producer<String, byte[]> producer;
    private final UnaryOperator<ProducerRecord<String, byte[]>> framing;
    private final Map<String, Object> adminConfig;
    private final int partitions;
    /** Only once {@link #start} is called: a relay driven from outside (a scheduled Lambda) has no thread of its own. */
    private ScheduledExecutorService loop;
    private boolean topicsReady;

    public OutboxRelay(OutboxStore outbox, KafkaConnection connection, int partitions) {
        this.outbox = outbox;
        this.partitions = partitions;
        Map<String, Object> config = new HashMap<>(connection.clientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Fail a send within seconds when Kafka is down, so the batch stays in the outbox for the next round.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.framing = RegistryFraming.of(connection);
        this.adminConfig = new HashMap<>(connection.clientProperties());
        this.adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        this.adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    }

    /**
     * Relays continuously in a thread of its own (the container gateway): drains the outbox, then looks again after
     * {@code interval}. Not in Lambda, which freezes the thread between invocations: a schedule calls
     * {@link #publishBatch} there.
     */
    public synchronized OutboxRelay start(Duration interval) {
        if (loop != null) {
            throw new IllegalStateException("the outbox relay is already running");
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        loop.scheduleWithFixedDelay(this::drain, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void drain() {
        try {
            while (publishBatch() > 0) {
                // keep going while there is a backlog
            }
        } catch (RuntimeException e) {
            LOG.warn("outbox relay: Kafka or the schema registry unavailable, {} event(s) wait in PostgreSQL: {}", safePending(), e.getMessage());
        }
    }

    /**
     * Publishes the oldest pending events, one batch, and marks them delivered once Kafka has acknowledged them all;
     * returns how many (0 when the outbox is empty). Throws when Kafka did not take them, and they stay pending.
     */
    public int publishBatch() {
        try {
            ensureTopics();
            return outbox.deliver(BATCH_SIZE, this::publish);
        } catch (RuntimeException e) {
            topicsReady = false; // a broker that came back empty needs its topics again
            throw e;
        }
    }

    private void publish(List<OutboxEvent> events) {
        // Framed before the first send, so a registry that cannot be reached fails the batch before any of it goes out.
        List<ProducerRecord<String, byte[]>> records = events.stream().map(event -> framing.apply(record(event))).toList();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (ProducerRecord<String, byte[]> record : records) {
            sends.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge an event: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing", e);
            }
        }
    }

    /** The Kafka record of an event as framed without a registry: keyed by agent, with its id, type and schema fingerprint in headers. */
    public static ProducerRecord<String, byte[]> record(OutboxEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(), event.payload());
        record.headers().add(EventCodec.EVENT_ID_HEADER, event.eventId().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventCodec.EVENT_TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8));
        if (event.schemaFingerprint() != null) {
            record.headers().add(EventCodec.FINGERPRINT_HEADER, event.schemaFingerprint().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private void ensureTopics() {
        if (topicsReady) {
            return;
        }
        try (Admin admin = Admin.create(adminConfig)) {
            KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(partitions));
            topicsReady = true;
        }
    }

    private long safePending() {
        try {
            return outbox.pending();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (loop != null) {
                loop.shutdownNow();
                try {
                    loop.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
