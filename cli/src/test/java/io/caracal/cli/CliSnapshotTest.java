package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.Database;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.budget.RedisBudgetCounters;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.TestDatabase;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `caracal snapshot` and `replay start --from-snapshot` on real PostgreSQL, Redis and Kafka: a snapshot records the
 * signed checkpoint and exact per-agent totals, restore replaces stale Redis state with what the ledger says (and
 * refuses, touching nothing, once the ledger was changed), and a replay sends a group back to the snapshot's offsets.
 * Restore rewrites all of a Redis, so this test runs its own instead of the shared one.
 */
class CliSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TODAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC).format(java.time.Instant.now());
    private static EmbeddedRedisServer redisServer;
    private static RedisClient redisClient;
    private static StatefulRedisConnection<String, String> redis;

    @BeforeAll
    static void startRedis() {
        redisServer = EmbeddedRedisServer.start();
        redisClient = RedisClient.create(redisServer.uri());
        redis = redisClient.connect();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        redisClient.shutdown();
        redisServer.close();
    }

    private static Map<String, String> withRedis(CliRunner cli) {
        Map<String, String> env = cli.env();
        env.put("REDIS_HOST", redisServer.host());
        env.put("REDIS_PORT", Integer.toString(redisServer.port()));
        return env;
    }

    private static JsonNode json(CliRunner cli, Map<String, String> env, String... args) throws Exception {
        CliRunner.Result result = cli.runWith(env, args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    private static void refused(CliRunner cli, Map<String, String> env, int exit, String part, String... args) {
        CliRunner.Result result = cli.runWith(env, args);
        assertEquals(exit, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().contains(part), () -> "expected '" + part + "' in " + result);
    }

    private static void sql(String database, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    /** Every key of the test's Redis with its value, so two dumps are equal only if nothing changed. */
    private static Map<String, String> dump() {
        RedisCommands<String, String> r = redis.sync();
        Map<String, String> all = new TreeMap<>();
        for (String key : r.keys("*")) {
            String type = r.type(key);
            all.put(key, switch (type) {
                case "hash" -> new TreeMap<>(r.hgetall(key)).toString();
                case "set" -> new java.util.TreeSet<>(r.smembers(key)).toString();
                case "zset" -> r.zrangeWithScores(key, 0, -1).toString();
                default -> r.get(key);
            });
        }
        return all;
    }

    private static void signAll(CliRunner cli) {
        String key = cli.home().resolve("signing.pem").toString();
        assertEquals(0, cli.run("merkle", "rotate-keys", "--new-key", key, "--generate").exitCode());
        CliRunner.Result backfill = cli.run("merkle", "backfill", "--signing-key", key);
        assertEquals(0, backfill.exitCode(), backfill::toString);
    }

    /** A new database whose ledger has two agents' charges, not signed yet, and the CLI with Kafka and the test's Redis. */
    private record Ledger(CliRunner cli, String database, Map<String, String> env, String spender, String other) {
    }

    /** One agent spends 1.25 and 2.50 through the budget engine (on the test's Redis), the other has two charges with nine decimals. */
    private static Ledger ledgerOfTwoAgents(String prefix) throws Exception {
        String database = prefix + Long.toHexString(System.nanoTime());
        CliRunner cli = new CliRunner(database).withKafka();
        Map<String, String> env = withRedis(cli);
        assertEquals(0, cli.run("db", "init").exitCode());
        String spender = json(cli, env, "agent", "create", "--name", "spender", "--owner", "o", "-o", "json").get("agent_id").asText();
        String other = json(cli, env, "agent", "create", "--name", "other", "--owner", "o", "-o", "json").get("agent_id").asText();
        json(cli, env, "policy", "create", "--agent-id", spender, "--limit", "10", "-o", "json");
        try (HikariDataSource dataSource = TestDatabase.pool(database)) {
            Database db = new Database(dataSource);
            Clock clock = Clock.systemUTC();
            BudgetEngine engine = new BudgetEngine(new AgentStore(db, clock), new PolicyStore(db, clock), new PricebookStore(db, clock),
                    new HoldStore(db), new RedisBudgetCounters(redis.sync()), clock);
            for (String amount : List.of("1.25", "2.50")) {
                Money cost = new Money(new BigDecimal(amount), new CurrencyCode("USD"));
                engine.settle(engine.hold(UUID.fromString(spender), cost, null).holdId(), cost);
            }
        }
        List<String> inserts = new ArrayList<>();
        for (String amount : List.of("1.123456789", "2.000000001")) {
            inserts.add("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, metadata) VALUES ('"
                    + UUID.randomUUID() + "', '" + other + "', " + amount + ", 'USD', now(), now(), '{}')");
        }
        sql(database, inserts.toArray(String[]::new));
        return new Ledger(cli, database, env, spender, other);
    }

    @Test
    void restoreReplacesStaleRedisStateWithTheLedgersAndRefusesATamperedLedger() throws Exception {
        Ledger ledger = ledgerOfTwoAgents("cli_snapshot_");
        CliRunner cli = ledger.cli();
        String database = ledger.database();
        Map<String, String> env = ledger.env();
        String spender = ledger.spender();
        String other = ledger.other();

        refused(cli, env, 1, "the ledger has no signed checkpoint yet", "snapshot", "create");
        assertEquals(0, cli.count("ledger_snapshots"));
        signAll(cli);

        JsonNode created = json(cli, env, "snapshot", "create", "-o", "json");
        String id = created.get("snapshot").get("snapshot_id").asText();
        assertEquals(4, created.get("snapshot").get("total_events").asLong());
        Map<String, String> totals = new HashMap<>();
        created.get("totals").forEach(t -> totals.put(t.get("agent_id").asText(), t.get("event_count").asLong() + " " + t.get("amount").asText()));
        assertEquals(Map.of(spender, "2 3.750000000", other, "2 3.123456790"), totals);
        String checkpointRoot = JSON.readTree(ok(cli, "merkle", "verify-batch", "--batch-id", created.get("snapshot").get("batch_id").asText(),
                "-o", "json")).get("checkpoints").get(0).get("merkle_root").asText();
        assertEquals(checkpointRoot, created.get("snapshot").get("merkle_root").asText());
        assertTrue(created.get("snapshot").get("size_bytes").asLong() > 0);

        JsonNode listed = json(cli, env, "snapshot", "list", "-o", "json").get(0);
        assertEquals(id, listed.get("snapshot_id").asText());
        assertEquals(4, listed.get("total_events").asLong());
        assertEquals(checkpointRoot, listed.get("merkle_root").asText());
        String text = ok(cli, "snapshot", "list");
        assertTrue(text.contains(id) && text.contains("0x" + checkpointRoot.substring(0, 16) + "..."), text);

        // Stale Redis: wrong buckets, a seen set that would hide the real events, another agent's leftovers, and a wrong budget counter.
        RedisCommands<String, String> r = redis.sync();
        String spenderBucket = "caracal:spend:{" + spender + "}:USD:d:" + TODAY;
        r.hset(spenderBucket, Map.of("nanos", "999000000000", "count", "99"));
        r.sadd("caracal:spend:{" + other + "}:seen:" + TODAY, ledgerIds(database, other).toArray(String[]::new));
        r.hset("caracal:spend:{" + UUID.randomUUID() + "}:USD:d:" + TODAY, Map.of("nanos", "5", "count", "1"));
        List<String> counters = r.keys("cb:p:*");
        assertTrue(counters.stream().anyMatch(k -> k.endsWith(":ready")), counters.toString());
        List<String> spent = counters.stream().filter(k -> k.contains(":s:")).toList();
        assertTrue(!spent.isEmpty(), counters.toString());
        spent.forEach(k -> r.set(k, "9000000000"));
        assertNotEquals(0, new BigDecimal("3.75").compareTo(budgetSpent(cli, env, spender)), "the stale counter is what the engine reads");

        JsonNode restored = json(cli, env, "snapshot", "restore", "--snapshot-id", id, "-o", "json");
        assertEquals(4, restored.get("events_verified").asLong());
        assertEquals(2, restored.get("agents_restored").asLong());
        assertEquals(4, restored.get("events_reaggregated").asLong());
        assertEquals(counters.size(), restored.get("budget_counter_keys_reset").asLong());
        assertEquals("caracal replay start --from-snapshot " + id, restored.get("next_step").asText());

        assertEquals(List.of(), r.keys("cb:p:*"), "every budget counter is dropped");
        assertEquals(Map.of("nanos", "3750000000", "count", "2"), r.hgetall(spenderBucket));
        assertEquals(Map.of("nanos", "3123456790", "count", "2"), r.hgetall("caracal:spend:{" + other + "}:USD:d:" + TODAY));
        assertEquals(new java.util.HashSet<>(ledgerIds(database, other)), r.smembers("caracal:spend:{" + other + "}:seen:" + TODAY));
        assertEquals(6, r.keys("caracal:spend:*").size(), "day, hour and seen keys of the two agents, nothing else");
        assertEquals(0, new BigDecimal("3.75").compareTo(budgetSpent(cli, env, spender)), "the engine reloads the ledger's spend");
        assertTrue(ok(cli, env, "snapshot", "restore", "--snapshot-id", id).contains("Snapshot restored:"));

        // A superuser raises one charge behind the triggers' back: the restore is refused and Redis stays as it is.
        String victim = ledgerIds(database, other).get(0);
        sql(database, "SET session_replication_role = replica", "UPDATE ledger_events SET amount = 7 WHERE event_id = '" + victim + "'");
        r.set("cb:p:marker:ready", "1");
        Map<String, String> before = dump();
        refused(cli, env, 1, "event " + victim, "snapshot", "restore", "--snapshot-id", id);
        CliRunner.Result tampered = cli.runWith(env, "snapshot", "restore", "--snapshot-id", id);
        assertTrue(tampered.err().contains("the ledger does not match snapshot " + id) && tampered.err().contains("agent " + other), tampered.err());
        assertEquals("", tampered.out());
        assertEquals(before, dump());

        refused(cli, env, 1, "snapshot not found: " + UUID.fromString("990e8400-e29b-41d4-a716-446655440004"),
                "snapshot", "restore", "--snapshot-id", "990e8400-e29b-41d4-a716-446655440004");
        refused(cli, env, 1, "snapshot id", "snapshot", "restore", "--snapshot-id", "nope");
        refused(cli, env, 2, "--snapshot-id", "snapshot", "restore");
        refused(cli, cli.env(), 1, "set REDIS_URL or REDIS_HOST", "snapshot", "restore", "--snapshot-id", id);
        refused(cli, env, 1, "limit must be at least 1", "snapshot", "list", "--limit", "0");
        Map<String, String> noKafka = withRedis(new CliRunner(database));
        refused(cli, noKafka, 1, "KAFKA_BOOTSTRAP_SERVERS", "snapshot", "create");
        assertEquals(before, dump());
        assertEquals(1, cli.count("ledger_snapshots"));
    }

    @Test
    void replayFromASnapshotSendsTheGroupBackToTheOffsetsItRecorded() throws Exception {
        Ledger ledger = ledgerOfTwoAgents("cli_snapshot_replay_");
        CliRunner cli = ledger.cli();
        Map<String, String> env = ledger.env();
        signAll(cli);
        try (Admin admin = KafkaFixture.admin()) {
            KafkaTopics.ensure(admin, List.of(Topics.METERING), KafkaTopics.Spec.partitions(3));
        }
        TopicPartition p0 = new TopicPartition(Topics.METERING, 0);
        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            KafkaFixture.send(producer, new ProducerRecord<>(Topics.METERING, 0, "agent", new byte[] {1}));
        }
        Map<TopicPartition, Long> atSnapshot = new HashMap<>(KafkaFixture.committed(LedgerWriter.GROUP));
        long p0AtSnapshot = ends(p0) - 1;
        atSnapshot.put(p0, p0AtSnapshot);
        KafkaFixture.commit(LedgerWriter.GROUP, atSnapshot); // the ledger has all but the last record
        Map<TopicPartition, Long> metricsAtSnapshot = new HashMap<>(atSnapshot);
        metricsAtSnapshot.put(p0, ends(p0));
        KafkaFixture.commit(SpendAggregator.GROUP, metricsAtSnapshot); // which the metrics group has counted already
        String id = json(cli, env, "snapshot", "create", "-o", "json").get("snapshot").get("snapshot_id").asText();

        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            for (int i = 0; i < 3; i++) {
                KafkaFixture.send(producer, new ProducerRecord<>(Topics.METERING, 0, "agent", new byte[] {2}));
            }
        }
        KafkaFixture.commit(LedgerWriter.GROUP, Map.of(p0, ends(p0))); // and went on past the snapshot
        assertEquals(p0AtSnapshot + 4, KafkaFixture.committed(LedgerWriter.GROUP).get(p0));

        JsonNode started = json(cli, env, "replay", "start", "--from-snapshot", id, "--consumer-group", LedgerWriter.GROUP, "-o", "json").get(0);
        assertEquals(id, started.get("from_snapshot").asText());
        assertEquals(4, started.get("events_to_replay").asLong());
        assertEquals(atSnapshot.get(p0), KafkaFixture.committed(LedgerWriter.GROUP).get(p0));
        assertEquals(atSnapshot, filtered(KafkaFixture.committed(LedgerWriter.GROUP), atSnapshot));
        // A restore rebuilds the spend buckets from the ledger, which lacked the record the metrics group had counted:
        // the metrics group goes back as far as the ledger group, not just to its own offset.
        JsonNode metrics = json(cli, env, "replay", "start", "--from-snapshot", id, "--consumer-group", SpendAggregator.GROUP, "-o", "json").get(0);
        assertEquals(4, metrics.get("events_to_replay").asLong());
        assertEquals(p0AtSnapshot, KafkaFixture.committed(SpendAggregator.GROUP).get(p0));

        JsonNode status = null;
        for (JsonNode replay : json(cli, env, "replay", "status", "-o", "json")) {
            if (replay.get("replay_id").asText().equals(started.get("replay_id").asText())) {
                status = replay;
            }
        }
        assertTrue(status != null && status.get("from_snapshot").asText().equals(id) && status.get("events_to_replay").asLong() == 4,
                String.valueOf(status));
        assertTrue(ok(cli, "replay", "status").contains("snapshot " + id));

        Map<TopicPartition, Long> before = KafkaFixture.committed(LedgerWriter.GROUP);
        long replays = cli.count("event_replays");
        refused(cli, env, 1, "snapshot not found", "replay", "start", "--from-snapshot", UUID.randomUUID().toString());
        refused(cli, env, 2, "mutually exclusive", "replay", "start", "--from-snapshot", id, "--from-timestamp", "2026-01-01T00:00:00Z");
        refused(cli, env, 2, "--from-snapshot", "replay", "start");
        assertEquals(before, KafkaFixture.committed(LedgerWriter.GROUP));
        assertEquals(replays, cli.count("event_replays"));
    }

    private static Map<TopicPartition, Long> filtered(Map<TopicPartition, Long> all, Map<TopicPartition, Long> keys) {
        Map<TopicPartition, Long> some = new HashMap<>();
        keys.keySet().forEach(p -> some.put(p, all.get(p)));
        return some;
    }

    private static long ends(TopicPartition partition) {
        try (Admin admin = KafkaFixture.admin()) {
            return KafkaTopics.await(admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest())).all()).get(partition).offset();
        }
    }

    private static String ok(CliRunner cli, String... args) {
        return ok(cli, cli.env(), args);
    }

    private static String ok(CliRunner cli, Map<String, String> env, String... args) {
        CliRunner.Result result = cli.runWith(env, args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    private static BigDecimal budgetSpent(CliRunner cli, Map<String, String> env, String agent) throws Exception {
        return new BigDecimal(json(cli, env, "budget", "status", "--agent-id", agent, "-o", "json").get("budgets").get(0).get("spent").asText());
    }

    private static List<String> ledgerIds(String database, String agent) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT event_id FROM ledger_events WHERE agent_id = '" + agent + "' ORDER BY event_id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
