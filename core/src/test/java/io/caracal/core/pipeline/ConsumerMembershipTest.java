package io.caracal.core.pipeline;

import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.DependencyDownException;
import io.caracal.embedded.SharedServices;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka check reads real consumers' metrics: one that has joined its group is ready, one that never reached a broker is not. */
class ConsumerMembershipTest {
    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "membership-" + UUID.randomUUID()), new StringDeserializer(), new StringDeserializer());
    }

    @Test
    void aConsumerThatJoinedItsGroupIsReady() {
        try (KafkaConsumer<String, String> joined = consumer(SharedServices.kafka().bootstrapServers())) {
            joined.subscribe(List.of("membership-" + UUID.randomUUID()));
            DependencyCheck check = ConsumerMembership.check(() -> List.<Consumer<?, ?>>of(joined));
            Instant deadline = Instant.now().plusSeconds(60);
            boolean ready = false;
            while (!ready && Instant.now().isBefore(deadline)) {
                joined.poll(Duration.ofMillis(200)); // joins the group, as a listener's poll loop does
                try {
                    check.probe().run();
                    ready = true;
                } catch (Exception notYet) {
                    // not in the group yet
                }
            }
            assertTrue(ready, "joined within a minute");
            assertDoesNotThrow(() -> check.probe().run());
        }
    }

    @Test
    void aConsumerOutsideItsGroupOrNoConsumerAtAllIsNotReady() {
        try (KafkaConsumer<String, String> lost = consumer("127.0.0.1:1")) {
            lost.subscribe(List.of("membership"));
            DependencyDownException down = assertThrows(DependencyDownException.class,
                    () -> ConsumerMembership.check(() -> List.<Consumer<?, ?>>of(lost)).probe().run());
            assertEquals("consumer not in its group (no heartbeat within the session timeout)", down.getMessage());
        }
        assertThrows(DependencyDownException.class, () -> ConsumerMembership.check(List::of).probe().run());
    }
}
