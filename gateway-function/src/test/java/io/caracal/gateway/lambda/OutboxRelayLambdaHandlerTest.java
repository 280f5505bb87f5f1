package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.event.TopicReader;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.store.Database;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.ScheduledEvents;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduled outbox relay of the serverless shape, in the Lambda's own environments on real PostgreSQL and Kafka:
 * outbox rows written while no gateway request is in flight are on their topic, once, after one scheduled
 * invocation, and an invocation stops publishing shortly before its deadline.
 */
class OutboxRelayLambdaHandlerTest {
    private static ApplicationContext context;
    private static OutboxRelayLambdaHandler handler;

    @BeforeAll
    static void start() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties("outbox_relay_lambda"));
        properties.put("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers());
        context = ApplicationContext.builder().environments(OutboxRelayLambdaHandler.ENVIRONMENTS).properties(properties).start();
        handler = new OutboxRelayLambdaHandler(context);
        // The relay gives up on a batch Kafka has not acknowledged within 5 s, so that in production a batch fails fast
        // and waits in PostgreSQL for the next run. A cold relay's first batch also has the topics created, their
        // leaders elected and its producer id assigned, which on this shared 2-core machine under load took longer
        // and failed whichever test came first. So one event goes out before the tests, invoked again until Kafka has
        // acknowledged it: the tests then meet the relay as a scheduled function's later runs do.
        outboxRows(1);
        Await.until(Duration.ofSeconds(120), () -> {
            try {
                invoke(ScheduledEvents.scheduler(), null);
            } catch (Exception e) {
                return false; // not acknowledged in time: the event is still pending, the next probe tries again
            }
            return context.getBean(OutboxStore.class).pending() == 0;
        }, "the relay's first event acknowledged by Kafka");
    }

    @AfterAll
    static void stop() {
        handler.close();
    }

    /** Metering events in the outbox, as a gateway leaves them when it settles calls; returns their ids. */
    private static Set<String> outboxRows(int count) {
        UUID agent = UUID.randomUUID();
        List<MeteringEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal("0.30"), new CurrencyCode("USD")),
                    Instant.now().truncatedTo(ChronoUnit.MICROS), "api.example.com", Map.of(), Map.of()));
        }
        context.getBean(Database.class).transaction(c -> {
            for (MeteringEvent event : events) {
                OutboxStore.insert(c, event.outboxEvent());
            }
            return null;
        });
        return events.stream().map(e -> e.eventId().toString()).collect(Collectors.toSet());
    }

    private static void invoke(byte[] event, Context lambdaContext) throws Exception {
        handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), lambdaContext);
    }

    /** A Lambda context with {@code remaining} left before the invocation's deadline. */
    private static Context remaining(Duration remaining) {
        return (Context) java.lang.reflect.Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getRemainingTimeInMillis")) {
                        return (int) remaining.toMillis();
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not used by the handler");
                });
    }

    /** How many records of the metering topic carry each of {@code ids}: the whole topic, read to its end. */
    private static Map<String, Integer> published(Set<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        TopicReader.readToEnd(KafkaConnection.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers())),
                Topics.METERING, Duration.ofSeconds(60), record -> {
                    String id = new String(record.headers().lastHeader(EventCodec.EVENT_ID_HEADER).value(), StandardCharsets.UTF_8);
                    if (ids.contains(id)) {
                        counts.merge(id, 1, Integer::sum);
                    }
                });
        return counts;
    }

    private static Map<String, Integer> once(Set<String> ids) {
        return ids.stream().collect(Collectors.toMap(id -> id, id -> 1));
    }

    @Test
    void eventsWrittenWithNoRequestInFlightArePublishedOnceByOneScheduledRun() throws Exception {
        Set<String> ids = outboxRows(3);

        invoke(ScheduledEvents.scheduler(), null);

        assertEquals(once(ids), published(ids));
        assertEquals(0, context.getBean(OutboxStore.class).pending());
        // Later runs, whatever they are invoked with, have nothing to publish again.
        for (byte[] event : ScheduledEvents.all().values()) {
            invoke(event, null);
        }
        assertEquals(once(ids), published(ids));
    }

    @Test
    void aRunPublishesNoFurtherBatchOnceItsDeadlineIsNear() throws Exception {
        // More than one batch (500) waits; the invocation has less time left than one more batch may need.
        Set<String> ids = outboxRows(501);

        invoke(ScheduledEvents.scheduler(), remaining(Duration.ofSeconds(1)));

        assertEquals(1, context.getBean(OutboxStore.class).pending(), "one batch published, the rest left for the next run");
        assertEquals(500, published(ids).size());

        invoke(ScheduledEvents.scheduler(), null);

        assertEquals(0, context.getBean(OutboxStore.class).pending());
        assertEquals(once(ids), published(ids));
    }
}
