package io.caracal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.KafkaDeadLetterSink;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.SharedServices;
import io.caracal.core.event.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every {@code caracal ...} command of docs/operations.md, in document order, as written (placeholders replaced by
 * the ids of the data prepared here), against embedded PostgreSQL, Kafka and Redis: each must exit 0, except the
 * postgresql backups, which must refuse in one line because this machine's pg_dump cannot dump its PostgreSQL 17
 * (the doc says so). A few key commands are also checked for what they did.
 */
class CliDocsTest {
    private static final Path DOC = Path.of("..", "docs", "operations.md");
    private static final Pattern BACKUP_ID = Pattern.compile("Backup ID: (\\S+)");

    @Test
    void everyCaracalCommandOfTheOperationsRunbookWorksAsWritten() throws Exception {
        List<String> commands = RunbookCommands.extract(Files.readString(DOC));
        assertTrue(commands.size() >= 50, "found only " + commands.size() + " commands in " + DOC);
        try (EmbeddedRedisServer redis = EmbeddedRedisServer.start()) {
            Fixture fixture = Fixture.prepare(redis);
            for (String command : commands) {
                String line = fixture.substitute(command);
                List<String> words = RunbookCommands.words(line);
                CliRunner.Result result = fixture.cli().runWith(fixture.env(), words.subList(1, words.size()).toArray(String[]::new));
                if (line.contains("--type postgresql")) {
                    assertEquals(1, result.exitCode(), () -> line + "\n" + result);
                    assertEquals(List.of("Error: cannot back up the database: pg_dump is not on the PATH (install the PostgreSQL client or set PG_DUMP)"),
                            result.err().lines().toList(), () -> line + "\n" + result);
                    continue;
                }
                assertEquals(0, result.exitCode(), () -> line + "\n" + result);
                fixture.check(line, result);
            }
            assertTrue(fixture.checked.size() >= 8, "key commands checked: " + fixture.checked);
        }
    }

    /** The database, Kafka, Redis and ids the runbook's commands assume, and the checks of the key ones. */
    private static final class Fixture {
        private final CliRunner cli;
        private final Map<String, String> env;
        private final Map<String, String> ids = new LinkedHashMap<>();
        private final String database;
        private final String role;
        private final List<String> checked = new ArrayList<>();

        private Fixture(CliRunner cli, Map<String, String> env, String database, String role) {
            this.cli = cli;
            this.env = env;
            this.database = database;
            this.role = role;
        }

        CliRunner cli() {
            return cli;
        }

        Map<String, String> env() {
            return env;
        }

        static Fixture prepare(EmbeddedRedisServer redis) throws Exception {
            String suffix = Long.toHexString(System.nanoTime());
            String database = "cli_docs_" + suffix;
            // The CLI connects as a role of its own that owns the database, as `caracal` does in production, so that
            // `db rotate-password` rotates that role and not the embedded server's superuser.
            String role = "caracal_docs_" + suffix;
            CliRunner cli = new CliRunner(database).withKafka();
            sql("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'initial'", "ALTER DATABASE " + database + " OWNER TO " + role);
            Map<String, String> env = cli.env();
            env.put("DB_USER", role);
            env.put("DB_PASSWORD", "initial");
            env.put("REDIS_HOST", redis.host());
            env.put("REDIS_PORT", Integer.toString(redis.port()));
            env.put("KAFKA_SASL_USERNAME", "caracal-docs-" + suffix);
            Path key = cli.home().resolve("signing.pem");
            env.put("MERKLE_SIGNING_KEY_PATH", key.toString());
            Fixture fixture = new Fixture(cli, env, database, role);

            fixture.ok("db", "init");
            fixture.ok("kafka", "create-topics");
            String agent = json(fixture.ok("agent", "create", "--name", "runbook-agent", "--owner", "ops@example.com", "-o", "json"), "agent_id");
            fixture.ok("policy", "create", "--agent-id", agent, "--limit", "100", "--currency", "USD");
            List<String> inserts = new ArrayList<>();
            for (String amount : List.of("0.25", "1.50", "0.000000001", "2", "3.125")) {
                inserts.add("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) VALUES ('"
                        + UUID.randomUUID() + "', '" + agent + "', " + amount + ", 'USD', now() - interval '1 hour', now())");
            }
            sql(database, inserts.toArray(String[]::new));
            fixture.ok("merkle", "rotate-keys", "--new-key", key.toString(), "--generate");
            fixture.ok("merkle", "backfill", "--source-version", "v0.2");
            // The consumers' committed offsets, as running groups leave them: a snapshot records them, consumer-lag reads them.
            Map<TopicPartition, Long> metering = Map.of(new TopicPartition(Topics.METERING, 0), 0L);
            KafkaFixture.commit("ledger-writer-group", metering);
            KafkaFixture.commit("metrics-aggregator-group", metering);
            KafkaFixture.commit("audit-logger-group", metering);
            String snapshot = json(fixture.ok("snapshot", "create", "-o", "json"), "snapshot");

            fixture.ids.put("<agent-id>", agent);
            fixture.ids.put("<batch-id>", query(database, "SELECT batch_id FROM merkle_checkpoints ORDER BY tree_size DESC LIMIT 1"));
            fixture.ids.put("<event-id>", query(database, "SELECT event_id FROM merkle_leaves ORDER BY leaf_index LIMIT 1"));
            fixture.ids.put("<snapshot-id>", new ObjectMapper().readTree(snapshot).get("snapshot_id").asText());
            fixture.ids.put("<dlq-event-id>", deadLetter().toString());
            return fixture;
        }

        String substitute(String command) {
            String line = command;
            for (Map.Entry<String, String> id : ids.entrySet()) {
                line = line.replace(id.getKey(), id.getValue());
            }
            assertTrue(!line.matches(".*<[a-z-]+>.*"), () -> "no value for a placeholder in: " + command + " (known: " + ids.keySet() + ")");
            return line;
        }

        /** What the key commands must have done, beyond exiting 0; backups made become {@code <backup-id>}. */
        void check(String line, CliRunner.Result result) throws Exception {
            String out = result.out();
            Matcher backup = BACKUP_ID.matcher(out);
            if (line.startsWith("caracal backup create") && backup.find()) {
                ids.put("<backup-id>", backup.group(1));
            }
            if (line.startsWith("caracal agent create")) {
                assertTrue(out.contains("Name: my-agent") && out.contains("Owner: user@example.com"), out);
                mark(line);
            } else if (line.startsWith("caracal merkle verify-batch")) {
                assertTrue(out.contains("Integrity: PASSED") && out.contains("Events Checked: 5"), out);
                mark(line);
            } else if (line.startsWith("caracal db query")) {
                assertTrue(out.contains("(5 rows)") && out.contains(ids.get("<event-id>")), out);
                mark(line);
            } else if (line.startsWith("caracal snapshot restore")) {
                assertTrue(out.contains("Snapshot restored:") && out.contains("Events Verified: 5"), out);
                mark(line);
            } else if (line.startsWith("caracal backup create --type kafka")) {
                Path records = cli.home().resolve("backups").resolve(ids.get("<backup-id>")).resolve("kafka-records.jsonl");
                assertTrue(Files.readString(records).contains("\"topic\":\"" + Topics.DLQ + "\""), "the dead letter is in the Kafka backup");
                assertTrue(out.contains("Tag: "), out);
                mark(line);
            } else if (line.startsWith("caracal db reset --confirm")) {
                assertEquals(0, cli.count("agents"));
                assertEquals(0, cli.count("ledger_events"));
                mark(line);
            } else if (line.startsWith("caracal db rotate-password")) {
                List<String> lines = out.lines().toList();
                String password = lines.get(lines.indexOf(lines.stream().filter(l -> l.startsWith("  New Password: printed below")).findFirst()
                        .orElseThrow()) + 1);
                assertTrue(ScramVerifier.matches(query("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'"), password),
                        "the printed password is the role's new one");
                mark(line);
            } else if (line.startsWith("caracal kafka rotate-credentials")) {
                try (Admin admin = KafkaFixture.admin()) {
                    UserScramCredentialsDescription stored = KafkaTopics.await(admin.describeUserScramCredentials(List.of(env.get("KAFKA_SASL_USERNAME")))
                            .all()).get(env.get("KAFKA_SASL_USERNAME"));
                    assertEquals("SCRAM-SHA-512", stored.credentialInfos().get(0).mechanism().mechanismName());
                }
                mark(line);
            } else if (line.startsWith("caracal merkle rotate-keys")) {
                try (var keys = Files.list(cli.home().resolve("keys"))) {
                    assertEquals(1, keys.filter(p -> p.getFileName().toString().startsWith("merkle-signing-")).count());
                }
                mark(line);
            }
        }

        private void mark(String line) {
            checked.add(line.substring(0, Math.min(line.length(), 40)));
        }

        private String ok(String... args) {
            CliRunner.Result result = cli.runWith(env, args);
            assertEquals(0, result.exitCode(), result::toString);
            return result.out();
        }
    }

    private static UUID deadLetter() {
        UUID eventId = UUID.randomUUID();
        Map<String, byte[]> headers = new HashMap<>();
        headers.put(EventCodec.FINGERPRINT_HEADER, "0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        headers.put(EventCodec.EVENT_ID_HEADER, eventId.toString().getBytes(StandardCharsets.UTF_8));
        ConsumedRecord original = new ConsumedRecord(Topics.METERING, 0, 0, "agent", new byte[] {1, 2, 3}, headers, 0);
        try (KafkaDeadLetterSink sink = new KafkaDeadLetterSink(KafkaFixture.connection())) {
            sink.send(List.of(new DeadLetter(UUID.randomUUID(), eventId.toString(), original, "PolicyEvaluationError", "Database connection timeout", 3,
                    "ledger-writer-group", Instant.now())));
        }
        return eventId;
    }

    private static String json(String out, String field) throws Exception {
        var node = new ObjectMapper().readTree(out).get(field);
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static void sql(String database, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    private static String query(String database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
