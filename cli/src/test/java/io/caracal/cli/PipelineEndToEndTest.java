package io.caracal.cli;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.DeadLetterReader;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.audit.AuditStore;
import io.caracal.core.spend.SpendAggregates;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.ledger.LedgerFunction;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on a real broker, PostgreSQL and Redis: 50,000 metering events (and two poison records among
 * them) through the ledger (a separate JVM, killed with SIGKILL mid-stream and restarted), the metrics and the
 * audit consumers; then every group is rewound to the beginning and replays everything. The ledger, the Redis
 * aggregates and the audit log must match what was produced exactly, before and after.
 */
class PipelineEndToEndTest {
    private static final int EVENTS = 50_000;
    private static final int AGENTS = 20;
    private static final long SEED = 20261123L;
    private static final List<String> GROUPS = List.of(LedgerWriter.GROUP, SpendAggregator.GROUP, AuditWriter.GROUP);

    private static EmbeddedKafkaBroker kafka;
    private static EmbeddedPostgresServer postgres;
    private static String database;
    private static ApplicationContext services;
    private static Path logs;
    private static Instant producedFrom;

    private final Map<UUID, BigDecimal> expectedSpend = new HashMap<>();
    private final Map<UUID, Long> expectedCount = new HashMap<>();
    private BigDecimal expectedTotal = BigDecimal.ZERO.setScale(9);
    private LocalDate firstDay;
    private LocalDate lastDay;

    @BeforeAll
    static void startServices() throws Exception {
        kafka = EmbeddedKafkaBroker.start(); // its own broker: the consumer groups and topics are this test's alone
        postgres = SharedServices.postgres();
        database = "pipeline_" + Long.toHexString(System.nanoTime());
        TestDatabase.create(database); // migrated before the consumers start
        logs = Files.createTempDirectory("pipeline-e2e");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(3));
        }
    }

    @AfterAll
    static void stopServices() {
        if (services != null) {
            services.close();
        }
        kafka.close();
    }

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", postgres.jdbcUrl(database));
        properties.put("datasources.default.username", EmbeddedPostgresServer.USER);
        properties.put("datasources.default.password", "");
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("caracal.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("caracal.redis.url", SharedServices.redis().uri());
        properties.put("caracal.metrics.port", 0);
        properties.put("caracal.consumers.health-port", 0);
        return properties;
    }

    /** The metrics and audit functions, in this JVM, as containers run them. */
    private static ApplicationContext startMetricsAndAudit() {
        return ApplicationContext.builder().environments("metrics", "audit").properties(properties()).start();
    }

    /** The ledger function as its own container process, configured only by the deployment guide's environment variables. */
    private static Process startLedger(String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LedgerFunction.class.getName())
                .redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DB_HOST", postgres.host());
        env.put("DB_PORT", Integer.toString(postgres.port()));
        env.put("DB_NAME", database);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", "");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("METRICS_PORT", "0");
        env.put("METRICS_HOST", "127.0.0.1");
        return builder.start();
    }

    @Test
    void fiftyThousandEventsLandExactlyOnceThroughACrashAndAFullReplay() throws Exception {
        services = startMetricsAndAudit();
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            agents.add(services.getBean(AgentStore.class).create(new AgentDraft("e2e-" + i, "", "ops@example.com", null, Map.of())));
        }
        producedFrom = Instant.now().minusSeconds(60);
        List<OutboxEvent> poison = produce(agents);

        Process ledger = startLedger("ledger-1");
        await(Duration.ofMinutes(3), () -> ledgerRows() >= 10_000, "the ledger to write 10,000 rows");
        ledger.destroyForcibly().waitFor(); // SIGKILL: no shutdown, mid-batch
        long atKill = ledgerRows();
        assertTrue(atKill < EVENTS, "the ledger was killed before it finished (" + atKill + " rows)");

        ledger = startLedger("ledger-2");
        awaitCaughtUp();
        assertEverythingLandedOnce();
        // The record that is not Avro is poison to every consumer; the charge for an unknown agent only to the ledger
        // (the audit log keeps it: it is an event that was sent).
        for (String group : GROUPS) {
            assertTrue(deadLetters(group).contains(poison.get(0).eventId().toString()), group + " dead-lettered the malformed record");
        }
        assertTrue(deadLetters(LedgerWriter.GROUP).contains(poison.get(1).eventId().toString()), "the ledger dead-lettered the unknown agent's charge");

        // Replay: consumers stopped, every group moved back to before the first event, consumers started again.
        ledger.destroy();
        ledger.waitFor();
        services.close();
        replayFromTheBeginning(producedFrom);
        services = startMetricsAndAudit();
        ledger = startLedger("ledger-3");
        try {
            awaitCaughtUp();
            assertEverythingLandedOnce();
        } finally {
            ledger.destroy();
            ledger.waitFor();
        }
    }

    /** 50,000 charges over the agents and the last two days, with a record that is not Avro and a charge for an unknown agent among them. */
    private List<OutboxEvent> produce(List<Agent> agents) throws Exception {
        Random random = new Random(SEED);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<OutboxEvent> poison = List.of(
                new OutboxEvent(UUID.randomUUID(), Topics.METERING, agents.get(0).id().toString(), EventSchemas.METERING,
                        EventSchemas.get().latestFingerprint(EventSchemas.METERING), "{\"amount\": 1}".getBytes(StandardCharsets.UTF_8), now),
                new MeteringEvent(UUID.randomUUID(), UUID.randomUUID(), null, new Money(BigDecimal.ONE, new CurrencyCode("USD")),
                        now, null, Map.of(), Map.of()).outboxEvent());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "acks", "all", "enable.idempotence", true, "linger.ms", 5), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                if (i == EVENTS / 2) {
                    poison.forEach(p -> producer.send(OutboxRelay.record(p)));
                }
                Agent agent = agents.get(random.nextInt(agents.size()));
                BigDecimal amount = BigDecimal.valueOf(random.nextInt(1_000_000_000), 9).add(BigDecimal.valueOf(random.nextInt(3)));
                Instant at = now.minus(random.nextInt(48 * 3600), ChronoUnit.SECONDS).minus(random.nextInt(1_000_000), ChronoUnit.MICROS);
                MeteringEvent event = new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(amount, new CurrencyCode("USD")), at,
                        "api.example.com", Map.of(), Map.of("n", Integer.toString(i)));
                producer.send(OutboxRelay.record(event.outboxEvent()));
                expectedSpend.merge(agent.id(), event.cost().amount(), BigDecimal::add);
                expectedCount.merge(agent.id(), 1L, Long::sum);
                expectedTotal = expectedTotal.add(event.cost().amount());
                LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
                firstDay = firstDay == null || day.isBefore(firstDay) ? day : firstDay;
                lastDay = lastDay == null || day.isAfter(lastDay) ? day : lastDay;
            }
            producer.flush();
        }
        return poison;
    }

    private void assertEverythingLandedOnce() throws Exception {
        try (Connection c = services.getBean(DataSource.class).getConnection(); Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT event_id), sum(amount) FROM ledger_events");
            rs.next();
            assertEquals(EVENTS, rs.getLong(1), "ledger rows");
            assertEquals(EVENTS, rs.getLong(2), "distinct ledger event ids");
            assertEquals(0, expectedTotal.compareTo(rs.getBigDecimal(3)), "ledger total " + rs.getBigDecimal(3) + " vs produced " + expectedTotal);
            rs = st.executeQuery("SELECT count(*) FROM audit_log WHERE topic = '" + Topics.METERING + "'");
            rs.next();
            assertEquals(EVENTS + 1, rs.getLong(1), "one audit row per metering event, the unknown agent's charge included");
        }
        SpendAggregates aggregates = services.getBean(SpendAggregates.class);
        for (Map.Entry<UUID, BigDecimal> agent : expectedSpend.entrySet()) {
            SpendAggregates.Totals totals = aggregates.daily(agent.getKey(), "USD", firstDay, lastDay);
            assertEquals(expectedCount.get(agent.getKey()), totals.count(), "Redis count of agent " + agent.getKey());
            assertEquals(0, agent.getValue().compareTo(totals.amount()), "Redis spend of agent " + agent.getKey());
        }
        AuditStore.Verification verification = services.getBean(AuditStore.class).verify();
        assertTrue(verification.intact(), "audit chain: " + verification);
    }

    private long ledgerRows() {
        try (Connection c = services.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM ledger_events")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every group has committed everything there is to read. */
    private static void awaitCaughtUp() throws Exception {
        await(Duration.ofMinutes(5), () -> GROUPS.stream().allMatch(group -> lag(group) == 0), "every consumer group to catch up");
    }

    private static long lag(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            List<String> topics = group.equals(AuditWriter.GROUP) ? List.of(Topics.METERING, Topics.POLICY_DECISIONS, Topics.AGENT_LIFECYCLE,
                    Topics.POLICY_CHANGES) : List.of(Topics.METERING);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : topics) {
                for (int p = 0; p < 3; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** `caracal replay start` from before the first event, for the three consumer groups (its default). */
    private static void replayFromTheBeginning(Instant before) {
        Map<String, String> env = new HashMap<>();
        env.put("DB_HOST", postgres.host());
        env.put("DB_PORT", Integer.toString(postgres.port()));
        env.put("DB_NAME", database);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", "");
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("CARACAL_HOME", logs.toString());
        java.io.StringWriter err = new java.io.StringWriter();
        // Refused while a stopped consumer's membership has not expired yet; accepted once the groups are empty.
        await(Duration.ofMinutes(1), () -> Caracal.run(new String[]{"replay", "start", "--from-timestamp", before.toString()}, env,
                new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true)) == 0, "replay start to be accepted");
    }

    /** Event ids the group sent to the dead-letter queue. */
    private static List<String> deadLetters(String group) {
        return DeadLetterReader.read(KafkaConnection.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()))).letters()
                .stream().filter(letter -> letter.consumerGroup().equals(group)).map(DeadLetter::eventId).toList();
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what) {
        Await.until(timeout, condition::getAsBoolean, what + " (logs in " + logs + ")");
    }

}
