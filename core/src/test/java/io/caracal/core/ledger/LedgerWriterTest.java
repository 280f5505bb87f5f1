package io.caracal.core.ledger;

import io.caracal.core.budget.BudgetEvents;
import io.caracal.core.agent.Agent;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.EngineFixture;
import io.caracal.core.budget.HoldState;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger consumer's processing on real PostgreSQL: once per event id, holds settled, bad events refused by name. */
class LedgerWriterTest {
    private static EngineFixture fixture;
    private static LedgerStore ledger;
    private static LedgerWriter writer;
    private static Agent agent;
    private static BudgetPolicy policy;
    private static long offset;

    @BeforeAll
    static void start() {
        fixture = new EngineFixture("ledger_writer", Instant.parse("2026-11-23T12:00:00Z"));
        ledger = new LedgerStore(fixture.db, fixture.clock);
        writer = new LedgerWriter(ledger);
        agent = fixture.agent("writer", null);
        policy = fixture.policy(agent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static MeteringEvent charge(UUID agentId, UUID holdId, String amount) {
        return new MeteringEvent(UUID.randomUUID(), agentId, holdId, EngineFixture.usd(amount), fixture.clock.instant(), "api.example.com",
                Map.of(policy.id(), new BigDecimal(amount)), Map.of("request_id", "r1"));
    }

    private static ConsumedRecord record(OutboxEvent event) {
        ProducerRecord<String, byte[]> produced = OutboxRelay.record(event);
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : produced.headers()) {
            headers.put(header.key(), header.value());
        }
        return new ConsumedRecord(produced.topic(), 0, offset++, produced.key(), produced.value(), headers, 0);
    }

    private static ConsumedRecord record(MeteringEvent event) {
        return record(event.outboxEvent());
    }

    private static long rows(UUID eventId) {
        return fixture.db.transaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM ledger_events WHERE event_id = ?")) {
                ps.setObject(1, eventId);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void writesEachEventOnceHoweverOftenItIsDelivered() {
        MeteringEvent event = charge(agent.id(), null, "0.25");
        ConsumedRecord record = record(event);
        assertTrue(writer.process(List.of(record, record)).isEmpty());
        assertTrue(writer.process(List.of(record)).isEmpty(), "redelivered: a duplicate, not an error");
        assertEquals(1, rows(event.eventId()));
    }

    @Test
    void settlesTheOpenHoldItNames() {
        BudgetEngine.HoldResult hold = fixture.engine.hold(agent.id(), EngineFixture.usd("1.00"), Duration.ofMinutes(5));
        MeteringEvent event = charge(agent.id(), hold.holdId(), "0.40");
        assertTrue(writer.process(List.of(record(event))).isEmpty());
        assertEquals(HoldState.SETTLED, fixture.holds.get(hold.holdId()).state());
        assertEquals(1, rows(event.eventId()));

        // A second event for the same hold is a second charge of one hold: refused, and the first stands.
        MeteringEvent again = charge(agent.id(), hold.holdId(), "0.40");
        Map<ConsumedRecord, InvalidEventException> rejected = writer.process(List.of(record(again)));
        assertEquals(InvalidEventException.CONFLICT, rejected.values().iterator().next().errorType());
        assertEquals(0, rows(again.eventId()));
    }

    @Test
    void refusesWhatCanNeverBeWrittenAndWritesTheRest() {
        MeteringEvent good = charge(agent.id(), null, "0.10");
        MeteringEvent unknownAgent = charge(UUID.randomUUID(), null, "0.10");
        MeteringEvent unknownHold = charge(agent.id(), UUID.randomUUID(), "0.10");
        MeteringEvent unknownPolicy = new MeteringEvent(UUID.randomUUID(), agent.id(), null, EngineFixture.usd("0.10"), fixture.clock.instant(),
                null, Map.of(UUID.randomUUID(), new BigDecimal("0.10")), Map.of());
        MeteringEvent changedCharge = new MeteringEvent(good.eventId(), agent.id(), null, EngineFixture.usd("9.99"), good.occurredAt(), null,
                Map.of(), Map.of());
        ConsumedRecord notAvro = new ConsumedRecord("caracal.metering.events", 0, offset++, agent.id().toString(), new byte[]{1, 2, 3},
                record(good).headers(), 0);

        Map<ConsumedRecord, InvalidEventException> rejected = writer.process(List.of(record(good), record(unknownAgent), record(unknownHold),
                record(unknownPolicy), record(changedCharge), notAvro));

        assertEquals(1, rows(good.eventId()));
        Map<String, Long> types = new HashMap<>();
        rejected.values().forEach(e -> types.merge(e.errorType(), 1L, Long::sum));
        assertEquals(Map.of(InvalidEventException.UNKNOWN_AGENT, 1L, InvalidEventException.CONTENT, 1L, InvalidEventException.UNKNOWN_POLICY, 1L,
                InvalidEventException.CONFLICT, 1L, InvalidEventException.SCHEMA, 1L), types);
        assertEquals(0, rows(unknownAgent.eventId()) + rows(unknownHold.eventId()) + rows(unknownPolicy.eventId()));
    }

    @Test
    void theEngineAndTheConsumerWriteTheSameChargeOnce() {
        BudgetEngine.HoldResult hold = fixture.engine.hold(agent.id(), EngineFixture.usd("1.00"), Duration.ofMinutes(5));
        var settlement = fixture.engine.settle(hold.holdId(), EngineFixture.usd("0.70"), Map.of("destination", "api.example.com"));
        // The metering event the engine put in the outbox, as the consumer will receive it.
        MeteringEvent event = BudgetEvents.metering(settlement, Map.of("destination", "api.example.com"));
        assertTrue(writer.process(List.of(record(event))).isEmpty());
        assertEquals(1, rows(settlement.eventId()));
    }
}
