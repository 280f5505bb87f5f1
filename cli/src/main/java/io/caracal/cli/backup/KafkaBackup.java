package io.caracal.cli.backup;

import io.caracal.cli.CliSession;
import io.caracal.cli.kafka.KafkaAdmin;
import io.caracal.cli.replay.Replays;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.TopicReader;
import io.caracal.core.event.Topics;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Kafka part of a backup: every record of Caracal's topics as they are when the backup starts (key, value,
 * headers, timestamp, partition and offset, one JSON line each: the values are Avro, kept byte for byte) and the
 * committed offsets of the ledger, metrics and audit consumer groups. Reading uses no consumer group, so it moves
 * nobody's position.
 */
final class KafkaBackup {
    /** Generous: a backup reads whole topics. */
    private static final Duration READ_DEADLINE = Duration.ofMinutes(10);

    private KafkaBackup() {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RecordLine(String topic, int partition, long offset, String timestamp, String key, String value, List<HeaderView> headers) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record HeaderView(String name, String value) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record OffsetsView(String takenAt, List<GroupOffsetView> committed) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record GroupOffsetView(String consumerGroup, String topic, int partition, long offset) {
    }

    /** Writes {@link Manifest#KAFKA_RECORDS} and {@link Manifest#KAFKA_OFFSETS} into {@code directory}. */
    static void write(CliSession session, Path directory, Instant now) throws IOException {
        List<String> topics;
        List<GroupOffsetView> committed;
        try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
            // Offsets first: every record a group had consumed is then in the copy of the topics taken after.
            committed = new Replays(kafka).committedOffsets().stream()
                    .map(o -> new GroupOffsetView(o.consumerGroup(), o.topic(), o.partition(), o.offset())).toList();
            List<String> missing = KafkaTopics.missing(kafka.admin(), Topics.ALL);
            topics = Topics.ALL.stream().filter(t -> !missing.contains(t)).toList();
        }
        Files.write(directory.resolve(Manifest.KAFKA_OFFSETS), session.json().writeValueAsBytes(new OffsetsView(now.toString(), committed)));
        Base64.Encoder base64 = Base64.getEncoder();
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve(Manifest.KAFKA_RECORDS), StandardCharsets.UTF_8)) {
            for (String topic : topics) {
                TopicReader.readToEnd(session.kafkaConnection(), topic, READ_DEADLINE, record ->
                    write(session, out, line(record, base64)));
            }
        }
    }

    private static RecordLine line(ConsumerRecord<String, byte[]> record, Base64.Encoder base64) {
        List<HeaderView> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new HeaderView(header.key(), header.value() == null ? null : base64.encodeToString(header.value())));
        }
        return new RecordLine(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()).toString(),
                record.key(), record.value() == null ? null : base64.encodeToString(record.value()), headers);
    }

    private static void write(CliSession session, BufferedWriter out, RecordLine line) {
        try {
            out.write(session.json().writeValueAsString(line));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
