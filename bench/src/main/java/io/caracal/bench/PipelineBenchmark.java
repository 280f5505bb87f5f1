package io.caracal.bench;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.micronaut.context.ApplicationContext;
import io.caracal.core.ledger.LedgerWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import io.micronaut.configuration.kafka.ConsumerRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Events per second end to end, produced to Kafka until committed as ledger rows by the ledger consumer (as its
 * container runs it, in this JVM: one consumer per partition, one transaction per batch), beside a plain
 * PostgreSQL COPY of the same rows into a table shaped like the ledger (the floor: no Kafka, no validation, no
 * idempotency checks), in the same run on the same embedded PostgreSQL. Each round also times the consumer alone:
 * the events are produced while the ledger's consumers are paused, and the clock runs from their resumption until
 * every offset is committed (Kafka to committed ledger rows, without the producer's share). Beside each time, the CPU
 * seconds this JVM (consumers and the embedded broker) and PostgreSQL used meanwhile: on a shared machine a step's
 * CPU varies much less than its wall time.
 * Usage: bench/run-pipeline-bench.sh [events per round] [rounds]
 */
public final class PipelineBenchmark {
    private static final int WARM_UP = 20_000;
    /**
     * Metering events are keyed by agent, so the agents decide how the events spread over the three partitions and
     * their three consumers. With 10 agents (random ids, so a different spread every run) one run split 100,000 events
     * 10,000 / 40,000 / 50,000, and the busiest consumer set the time; with 300 each partition holds about a third.
     */
    private static final int AGENTS = 300;

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary(); EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            postgres.createDatabase("bench");
            ProcessTreeCpu cpu = new ProcessTreeCpu(postgres.port());
            io.caracal.core.event.KafkaTopics.ensure(admin, Topics.ALL, io.caracal.core.event.KafkaTopics.Spec.partitions(3));
            Map<String, Object> properties = new HashMap<>();
            // The ledger consumer runs one consumer per partition.
            properties.put("caracal.kafka.partitions", 3);
            properties.put("datasources.default.url", postgres.jdbcUrl("bench"));
            properties.put("datasources.default.username", EmbeddedPostgresServer.USER);
            properties.put("datasources.default.password", "");
            properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
            properties.put("caracal.kafka.bootstrap-servers", kafka.bootstrapServers());
            properties.put("caracal.consumers.health-port", 0);
            properties.put("caracal.metrics.port", -1);
            try (ApplicationContext ledger = ApplicationContext.builder().environments("services", "ledger").properties(properties).start()) {
                ledger.getBean(SchemaMigrator.class).migrate();
                DataSource db = ledger.getBean(DataSource.class);
                List<Agent> agents = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) {
                    agents.add(ledger.getBean(AgentStore.class).create(new AgentDraft("bench-" + i, "", "bench@example.com", null, Map.of())));
                }
                Random random = new Random(42);
                // Untimed: the consumers join their group and the JIT compiles the path before round 1 is measured.
                Timed warmUp = pipeline(cpu, db, admin, kafka.bootstrapServers(), events(agents, WARM_UP, random), WARM_UP);
                System.out.printf("warm-up: %d events in %.3f s%n", WARM_UP, warmUp.seconds());
                System.out.printf("%-6s %-34s %10s %12s %12s %12s %12s%n", "round", "what", "events", "seconds", "events/s", "CPU seconds",
                        "of which PG");
                for (int round = 1; round <= rounds; round++) {
                    List<MeteringEvent> batch = events(agents, events, random);
                    Timed copy = copy(cpu, db, batch, round);
                    report(round, "PostgreSQL COPY (floor)", events, copy);
                    Timed pipeline = pipeline(cpu, db, admin, kafka.bootstrapServers(), batch, WARM_UP + (long) events * (2 * round - 1));
                    report(round, "produce -> ledger rows committed", events, pipeline);
                    ratio(round, "end to end / COPY", pipeline, copy);
                    Timed drain = drain(cpu, ledger.getBean(ConsumerRegistry.class), db, admin, kafka.bootstrapServers(),
                            events(agents, events, random), WARM_UP + (long) events * 2 * round);
                    report(round, "Kafka -> ledger rows committed", events, drain);
                    ratio(round, "consumer / COPY", drain, copy);
                }
            }
        }
    }

    /** Wall and CPU seconds of one timed step, and how many of the CPU seconds were PostgreSQL's. */
    private record Timed(double seconds, double cpu, double postgresCpu) {
        static Timed since(long start, double[] cpuAtStart, ProcessTreeCpu cpu) {
            double[] now = cpuNow(cpu);
            return new Timed((System.nanoTime() - start) / 1e9, now[0] - cpuAtStart[0], now[1] - cpuAtStart[1]);
        }
    }

    private static double[] cpuNow(ProcessTreeCpu cpu) {
        return new double[]{cpu.seconds(), cpu.postgresSeconds()};
    }

    private static void report(int round, String what, int events, Timed timed) {
        System.out.printf("%-6d %-34s %10d %12.3f %12.0f %12.2f %12.2f%n", round, what, events, timed.seconds(), events / timed.seconds(), timed.cpu(),
                timed.postgresCpu());
    }

    private static void ratio(int round, String what, Timed step, Timed copy) {
        System.out.printf("%-6d %-34s %10s %12s %11.1fx %11.1fx%n", round, what, "", "", step.seconds() / copy.seconds(), step.cpu() / copy.cpu());
    }

    private static List<MeteringEvent> events(List<Agent> agents, int count, Random random) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<MeteringEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(new MeteringEvent(UUID.randomUUID(), agents.get(random.nextInt(agents.size())).id(), null,
                    new Money(BigDecimal.valueOf(random.nextInt(1_000_000_000), 9), new CurrencyCode("USD")),
                    now.minusMillis(random.nextInt(86_400_000)), "api.example.com", Map.of(), Map.of("request_id", "r" + i)));
        }
        return events;
    }

    /** The same rows, as text COPY into a fresh table with the ledger's columns, keys and checks. */
    private static Timed copy(ProcessTreeCpu cpu, DataSource db, List<MeteringEvent> events, int round) throws Exception {
        String table = "ledger_copy_" + round;
        StringBuilder text = new StringBuilder(events.size() * 200);
        Instant recorded = Instant.now();
        for (MeteringEvent e : events) {
            text.append(e.eventId()).append('\t').append(e.agentId()).append("\t\\N\t").append(e.cost().amount().toPlainString()).append('\t')
                    .append(e.cost().currency().code()).append('\t').append(e.occurredAt()).append('\t').append(recorded).append('\t')
                    .append(e.resource()).append("\t{\"request_id\": \"").append(e.metadata().get("request_id")).append("\"}\n");
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (LIKE ledger_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
            double[] cpuAtStart = cpuNow(cpu);
            long start = System.nanoTime();
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (event_id, agent_id, hold_id, amount, currency, occurred_at,"
                    + " recorded_at, resource, metadata) FROM STDIN", new StringReader(text.toString()));
            return Timed.since(start, cpuAtStart, cpu);
        }
    }

    /** From the ledger consumers' resumption, the topic already holding every event, until they have committed them all. */
    private static Timed drain(ProcessTreeCpu cpu, ConsumerRegistry consumers, DataSource db, Admin admin, String bootstrap,
                               List<MeteringEvent> events, long expectedRows) throws Exception {
        Set<String> ids = consumers.getConsumerIds();
        ids.forEach(consumers::pause);
        while (!ids.stream().allMatch(consumers::isPaused)) {
            Thread.sleep(20);
        }
        produce(bootstrap, events);
        double[] cpuAtStart = cpuNow(cpu);
        long start = System.nanoTime();
        ids.forEach(consumers::resume);
        return committed(cpu, db, admin, start, cpuAtStart, expectedRows);
    }

    /**
     * From the first send until the ledger consumer has committed the offsets of every event: it commits them only
     * after the ledger transaction, so then every row is committed (counted once at the end, to be sure). Asking Kafka
     * rather than counting rows every few milliseconds keeps the measurement from scanning the table it measures.
     */
    private static Timed pipeline(ProcessTreeCpu cpu, DataSource db, Admin admin, String bootstrap, List<MeteringEvent> events,
                                  long expectedRows) throws Exception {
        double[] cpuAtStart = cpuNow(cpu);
        long start = System.nanoTime();
        produce(bootstrap, events);
        return committed(cpu, db, admin, start, cpuAtStart, expectedRows);
    }

    private static void produce(String bootstrap, List<MeteringEvent> events) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                "enable.idempotence", true, "linger.ms", 5), new StringSerializer(), new ByteArraySerializer())) {
            for (MeteringEvent event : events) {
                producer.send(OutboxRelay.record(event.outboxEvent()));
            }
        }
    }

    /** Wall and CPU seconds from {@code start} until the ledger group's committed offsets reach the topic's end, then the rows are checked. */
    private static Timed committed(ProcessTreeCpu cpu, DataSource db, Admin admin, long start, double[] cpuAtStart, long expectedRows)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(Topics.METERING)).allTopicNames().get().get(Topics.METERING).partitions()
                .forEach(p -> latest.put(new TopicPartition(Topics.METERING, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        while (!caughtUp(admin, ends)) {
            Thread.sleep(20);
        }
        Timed timed = Timed.since(start, cpuAtStart, cpu);
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM ledger_events")) {
            rs.next();
            if (rs.getLong(1) != expectedRows) {
                throw new IllegalStateException("the ledger holds " + rs.getLong(1) + " events, expected " + expectedRows);
            }
        }
        return timed;
    }

    private static boolean caughtUp(Admin admin, Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(LedgerWriter.GROUP).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
                && committed.get(end.getKey()).offset() >= end.getValue().offset());
    }
}
