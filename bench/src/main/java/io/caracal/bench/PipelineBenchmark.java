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
 * container runs it, in this JVM: one consumer per partition, one transaction per batch), beside two floors, plain
 * PostgreSQL COPYs of as many rows (no Kafka, no validation, no idempotency checks): into a fresh table shaped like
 * the ledger, and into the ledger's own table, in the same run on the same embedded PostgreSQL. Each round also times
 * the consumer alone: the events are produced while the ledger's consumers are paused, and the clock runs from their
 * resumption until every offset is committed (Kafka to committed ledger rows, without the producer's share). Beside
 * each time, the CPU seconds this JVM (consumers and the embedded broker), PostgreSQL and the JIT used meanwhile: on a
 * shared machine a step's CPU varies much less than its wall time.
 * Usage: bench/run-pipeline-bench.sh [events per round] [rounds]
 */
public final class PipelineBenchmark {
    /**
     * Untimed rounds first, until the JIT's share of a round's CPU falls under {@link #JIT_SETTLED}: this JVM, which
     * hosts the broker and clients besides the consumers, keeps compiling for a minute and more at up to half of the
     * two cores (with a single 20,000-event warm-up the compiler threads used 0.4-0.6 s of every second through the
     * first four rounds). A consumer in production runs for days; the rounds measure it warm. At most {@link #MAX_WARM_UPS}.
     */
    private static final int WARM_UP = 50_000;
    private static final double JIT_SETTLED = 0.05;
    private static final int MAX_WARM_UPS = 40;
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
                warmUp(cpu, db, admin, kafka.bootstrapServers(), agents, random);
                long rows = 0;
                System.out.printf("%-6s %-34s %10s %12s %12s %12s %12s %12s%n", "round", "what", "events", "seconds", "events/s", "CPU seconds",
                        "of which PG", "of which JIT");
                for (int round = 1; round <= rounds; round++) {
                    List<MeteringEvent> batch = events(agents, events, random);
                    Timed copy = copy(cpu, db, batch, "ledger_copy_" + round);
                    report(round, "COPY into a fresh table (floor)", events, copy);
                    Timed copyIntoLedger = copy(cpu, db, events(agents, events, random), "ledger_events");
                    report(round, "COPY into ledger_events (floor)", events, copyIntoLedger);
                    rows += 2L * events; // the COPY into ledger_events, then the pipeline's
                    Timed pipeline = pipeline(cpu, db, admin, kafka.bootstrapServers(), batch, rows);
                    report(round, "produce -> ledger rows committed", events, pipeline);
                    ratio(round, "end to end / COPY fresh", pipeline, copy);
                    rows += events;
                    Timed drain = drain(cpu, ledger.getBean(ConsumerRegistry.class), db, admin, kafka.bootstrapServers(),
                            events(agents, events, random), rows);
                    report(round, "Kafka -> ledger rows committed", events, drain);
                    ratio(round, "consumer / COPY fresh", drain, copy);
                    ratio(round, "consumer / COPY into ledger_events", drain, copyIntoLedger);
                }
            }
        }
    }

    /**
     * Warms the consumers up (see {@link #WARM_UP}), then empties the ledger: the rounds start from an empty ledger, as
     * they did with the short warm-up, instead of one the warm-up grew to a million rows and more.
     */
    private static void warmUp(ProcessTreeCpu cpu, DataSource db, Admin admin, String bootstrap, List<Agent> agents, Random random) throws Exception {
        long rows = 0;
        for (int round = 1; round <= MAX_WARM_UPS; round++) {
            rows += WARM_UP;
            Timed warm = pipeline(cpu, db, admin, bootstrap, events(agents, WARM_UP, random), rows);
            System.out.printf("warm-up %d: %d events in %.3f s, %.2f CPU seconds, of which JIT %.2f%n", round, WARM_UP, warm.seconds(), warm.cpu(),
                    warm.jitCpu());
            if (warm.jitCpu() < JIT_SETTLED * warm.cpu()) {
                break;
            }
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            // As a superuser may: the ledger's triggers refuse it to everyone else.
            st.execute("SET session_replication_role = replica");
            st.execute("TRUNCATE ledger_events CASCADE");
            st.execute("VACUUM ANALYZE");
        }
    }

    /** Wall and CPU seconds of one timed step, and how many of the CPU seconds were PostgreSQL's and the JIT's. */
    private record Timed(double seconds, double cpu, double postgresCpu, double jitCpu) {
        static Timed since(long start, double[] cpuAtStart, ProcessTreeCpu cpu) {
            double[] now = cpuNow(cpu);
            return new Timed((System.nanoTime() - start) / 1e9, now[0] - cpuAtStart[0], now[1] - cpuAtStart[1], now[2] - cpuAtStart[2]);
        }
    }

    private static double[] cpuNow(ProcessTreeCpu cpu) {
        return new double[]{cpu.seconds(), cpu.postgresSeconds(), cpu.jitSeconds()};
    }

    private static void report(int round, String what, int events, Timed timed) {
        System.out.printf("%-6d %-34s %10d %12.3f %12.0f %12.2f %12.2f %12.2f%n", round, what, events, timed.seconds(), events / timed.seconds(),
                timed.cpu(), timed.postgresCpu(), timed.jitCpu());
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

    /**
     * The rows as one text COPY, into {@code table}: a fresh one, created here with the ledger's columns, keys and checks
     * (the floor since issue 5), or {@code ledger_events} itself, which the consumers write into, as large as they have
     * made it, with its trigger. Only the second writes into tables of the same size as the consumers do.
     */
    private static Timed copy(ProcessTreeCpu cpu, DataSource db, List<MeteringEvent> events, String table) throws Exception {
        StringBuilder text = new StringBuilder(events.size() * 200);
        Instant recorded = Instant.now();
        for (MeteringEvent e : events) {
            text.append(e.eventId()).append('\t').append(e.agentId()).append("\t\\N\t").append(e.cost().amount().toPlainString()).append('\t')
                    .append(e.cost().currency().code()).append('\t').append(e.occurredAt()).append('\t').append(recorded).append('\t')
                    .append(e.resource()).append("\t{\"request_id\": \"").append(e.metadata().get("request_id")).append("\"}\n");
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            if (!table.equals("ledger_events")) {
                st.execute("CREATE TABLE " + table + " (LIKE ledger_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"
                        // The floor's own vacuum would otherwise run within the minute, billed to whichever step is timed then.
                        + " WITH (autovacuum_enabled = false)");
            }
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
