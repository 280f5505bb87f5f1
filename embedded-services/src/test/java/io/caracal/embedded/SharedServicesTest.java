package io.caracal.embedded;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedServicesTest {

    @Test
    void postgresIsARealServerThatKeepsRowsAndEnforcesConstraints() throws Exception {
        EmbeddedPostgresServer pg = SharedServices.postgres();
        assertSame(pg, SharedServices.postgres(), "one server per JVM");
        pg.createDatabase("fixture_check");
        pg.createDatabase("fixture_check"); // idempotent
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("fixture_check"), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, amount numeric(38,9) NOT NULL)");
            s.execute("TRUNCATE t");
            s.execute("INSERT INTO t VALUES (1, 0.000000001)");
            ResultSet rs = s.executeQuery("SELECT amount::text, current_setting('server_version_num')::int FROM t");
            assertTrue(rs.next());
            assertEquals("0.000000001", rs.getString(1));
            assertTrue(rs.getInt(2) >= 170000, "PostgreSQL 17 binaries");
            boolean rejected = false;
            try {
                s.execute("INSERT INTO t VALUES (1, 2)");
            } catch (java.sql.SQLException e) {
                rejected = "23505".equals(e.getSQLState());
            }
            assertTrue(rejected, "primary key violation from the real server");
        }
    }

    @Test
    void kafkaBrokerRoundTripsKeyedRecords() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        String topic = "fixture-check-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            assertTrue(admin.listTopics().names().get().contains(topic));
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "agent-" + (i % 2), "event-" + i)).get();
            }
        }
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "fixture-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (seen.size() < 10 && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        assertEquals(10, seen.size());
        // Same key, same partition: the per-agent ordering later issues rely on.
        Map<String, Integer> partitionOfKey = new java.util.HashMap<>();
        for (ConsumerRecord<String, String> r : seen) {
            Integer previous = partitionOfKey.putIfAbsent(r.key(), r.partition());
            assertTrue(previous == null || previous == r.partition());
        }
    }

    @Test
    void redisIsARealRedis7() {
        RedisClient client = RedisClient.create(SharedServices.redis().uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var redis = connection.sync();
            redis.del("fixture:counter");
            assertEquals(5L, redis.incrby("fixture:counter", 5));
            // A Lua script runs server-side: the budget engine depends on this.
            Long result = redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])",
                    io.lettuce.core.ScriptOutputType.INTEGER, new String[] {"fixture:counter"}, "7");
            assertEquals(12L, result);
            assertTrue(redis.info("server").contains("redis_version:7."));
        } finally {
            client.shutdown();
        }
    }
}
