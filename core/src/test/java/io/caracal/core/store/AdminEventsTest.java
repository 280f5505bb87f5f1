package io.caracal.core.store;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentChange;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.CaracalException;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyEdit;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;
import io.caracal.testing.TestDatabase;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every admin change appends exactly one event in its own transaction; a refused change appends none. On real PostgreSQL. */
class AdminEventsTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static Database db;
    private static AgentStore agents;
    private static ApiKeyStore keys;
    private static PolicyStore policies;
    private static RateLimitStore rateLimits;
    private long seen;

    /** One outbox row, decoded through its fingerprint header exactly as a consumer would. */
    private record Row(String topic, String key, GenericRecord event, byte[] payload) {
        String get(String field) {
            Object value = event.get(field);
            return value == null ? null : value.toString();
        }

        /** Avro reads map keys and values as its own text type; compare as strings. */
        Map<String, String> details() {
            Map<String, String> details = new java.util.TreeMap<>();
            ((Map<?, ?>) event.get("details")).forEach((k, v) -> details.put(k.toString(), v.toString()));
            return details;
        }
    }

    @BeforeAll
    static void setUp() {
        db = new Database(TestDatabase.pool("admin_events"));
        agents = new AgentStore(db, Clock.systemUTC());
        keys = new ApiKeyStore(db, Clock.systemUTC());
        policies = new PolicyStore(db, Clock.systemUTC());
        rateLimits = new RateLimitStore(db, Clock.systemUTC());
    }

    @BeforeEach
    void skipEarlierEvents() {
        seen = query("SELECT coalesce(max(id), 0) FROM event_outbox", rs -> rs.getLong(1));
    }

    private List<Row> newEvents() {
        List<Row> rows = query("SELECT id, topic, event_key, schema_fingerprint, payload FROM event_outbox WHERE id > " + seen + " ORDER BY id", rs -> {
            List<Row> found = new ArrayList<>();
            do {
                seen = rs.getLong("id");
                found.add(new Row(rs.getString("topic"), rs.getString("event_key"),
                        EventCodec.decodeAny(rs.getBytes("payload"), rs.getString("schema_fingerprint")), rs.getBytes("payload")));
            } while (rs.next());
            return found;
        });
        return rows == null ? List.of() : rows;
    }

    private Row onlyEvent() {
        List<Row> rows = newEvents();
        assertEquals(1, rows.size(), "events: " + rows);
        return rows.get(0);
    }

    private Row lifecycle(String kind, Agent agent) {
        Row row = onlyEvent();
        assertEquals(Topics.AGENT_LIFECYCLE, row.topic());
        assertEquals(EventSchemas.AGENT_LIFECYCLE, row.event().getSchema().getFullName());
        assertEquals(kind, row.get("lifecycle_event"));
        assertEquals(agent.id().toString(), row.get("agent_id"));
        assertEquals(agent.id().toString(), row.key());
        return row;
    }

    @FunctionalInterface
    private interface Read<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> T query(String sql, Read<T> read) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? read.read(rs) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Agent newAgent(String name) {
        return agents.create(new AgentDraft(name, "does things", "ops@example.com", null, Map.of("team", "search")));
    }

    @Test
    void agentChangesAreReportedWithTheAgentAsItIsAfterwards() {
        Agent agent = newAgent("lifecycle-" + UUID.randomUUID());
        Row created = lifecycle("created", agent);
        assertEquals(agent.name(), created.details().get("name"));
        assertEquals("ops@example.com", created.details().get("owner"));
        assertEquals("active", created.details().get("status"));
        assertEquals("search", created.details().get("metadata.team"));

        agents.update(agent.id(), new AgentChange(Optional.empty(), Optional.of("finance@example.com"), Optional.empty(), false, Optional.empty()));
        assertEquals("finance@example.com", lifecycle("updated", agent).details().get("owner"));

        agents.setStatus(agent.id(), AgentStatus.SUSPENDED);
        assertEquals("suspended", lifecycle("suspended", agent).details().get("status"));
        agents.setStatus(agent.id(), AgentStatus.SUSPENDED);
        assertEquals(List.of(), newEvents(), "suspending a suspended agent changes nothing");

        agents.setStatus(agent.id(), AgentStatus.ACTIVE);
        assertEquals("active", lifecycle("activated", agent).details().get("status"));
    }

    @Test
    void keyEventsNameTheKeyButNeverCarryItsSecret() {
        Agent agent = newAgent("keys-" + UUID.randomUUID());
        newEvents();
        ApiKeyStore.Created created = keys.create(agent.id(), "ci");
        Row issued = lifecycle("key_created", agent);
        assertEquals(created.key().id().toString(), issued.details().get("key_id"));
        assertEquals("ci", issued.details().get("key_name"));
        String payload = new String(issued.payload(), StandardCharsets.ISO_8859_1);
        assertFalse(payload.contains(created.plaintext()), "the plaintext key is in the event");
        assertFalse(payload.contains(created.key().prefix()), "the key prefix is in the event");
        byte[] hash = query("SELECT secret_hash FROM agent_api_keys WHERE id = '" + created.key().id() + "'", rs -> rs.getBytes(1));
        assertFalse(payload.contains(new String(hash, StandardCharsets.ISO_8859_1)), "the key hash is in the event");

        keys.revoke(created.key().id());
        assertEquals(created.key().id().toString(), lifecycle("key_revoked", agent).details().get("key_id"));
        keys.revoke(created.key().id());
        assertEquals(List.of(), newEvents(), "revoking a revoked key changes nothing");
    }

    @Test
    void rateLimitChangesAreReportedAsUpdatesOfTheAgent() {
        Agent agent = newAgent("rate-" + UUID.randomUUID());
        newEvents();
        rateLimits.set(agent.id(), new RateLimit(new BigDecimal("50"), 10));
        Row set = lifecycle("updated", agent);
        assertEquals("50 requests/s, burst 10", set.details().get("rate_limit"));
        assertEquals(agent.name(), set.details().get("name"));

        assertTrue(rateLimits.remove(agent.id()));
        assertEquals("none", lifecycle("updated", agent).details().get("rate_limit"));
        assertFalse(rateLimits.remove(agent.id()));
        assertEquals(List.of(), newEvents(), "removing a limit the agent does not have changes nothing");
    }

    @Test
    void everyPolicyVersionIsReportedWithWhoAndWhy() {
        Agent agent = newAgent("policy-" + UUID.randomUUID());
        newEvents();
        BudgetPolicy policy = policies.create(agent.id(), new PolicyTerms(new Money(new BigDecimal("10.5"), USD), TimeWindow.DAILY,
                WindowType.CALENDAR, null), null, new PolicyChange("alice", "initial budget"));
        assertPolicyChange(onlyEvent(), policy, 1, "created", "alice", "initial budget", "10.50", true);

        policies.update(policy.id(), new PolicyEdit(Optional.of("20"), Optional.empty(), Optional.empty(), Optional.empty()),
                new PolicyChange("bob", "raise"));
        assertPolicyChange(onlyEvent(), policy, 2, "modified", "bob", "raise", "20.00", true);

        policies.deactivate(policy.id(), new PolicyChange("carol", "retired"));
        assertPolicyChange(onlyEvent(), policy, 3, "deactivated", "carol", "retired", "20.00", false);
    }

    private static void assertPolicyChange(Row row, BudgetPolicy policy, int version, String type, String by, String reason, String limit,
                                           boolean active) {
        assertEquals(Topics.POLICY_CHANGES, row.topic());
        assertEquals(EventSchemas.POLICY_CHANGE, row.event().getSchema().getFullName());
        assertEquals(policy.id().toString(), row.get("policy_id"));
        assertEquals(policy.agentId().toString(), row.get("agent_id"));
        assertEquals(version, row.event().get("version"));
        assertEquals(type, row.get("change_type"));
        assertEquals(by, row.get("changed_by"));
        assertEquals(reason, row.get("change_reason"));
        assertEquals(limit, row.get("limit_amount"));
        assertEquals("USD", row.get("currency"));
        assertEquals("daily", row.get("time_window"));
        assertEquals(active, row.event().get("active"));
    }

    @Test
    void aRefusedChangeReportsNothing() {
        Agent agent = newAgent("refused-" + UUID.randomUUID());
        BudgetPolicy policy = policies.create(agent.id(), new PolicyTerms(new Money(BigDecimal.TEN, USD), TimeWindow.DAILY, WindowType.CALENDAR, null),
                null, new PolicyChange("alice", "initial"));
        policies.deactivate(policy.id(), new PolicyChange("alice", "retired"));
        newEvents();

        assertThrows(CaracalException.class, () -> newAgent(agent.name()), "duplicate name");
        assertThrows(CaracalException.class, () -> agents.setStatus(UUID.randomUUID(), AgentStatus.SUSPENDED), "unknown agent");
        assertThrows(CaracalException.class, () -> keys.create(UUID.randomUUID(), "ci"), "unknown agent");
        assertThrows(CaracalException.class, () -> keys.revoke(UUID.randomUUID()), "unknown key");
        assertThrows(CaracalException.class, () -> rateLimits.set(UUID.randomUUID(), new RateLimit(BigDecimal.ONE, 1)), "unknown agent");
        assertThrows(CaracalException.class, () -> rateLimits.remove(UUID.randomUUID()), "unknown agent");
        assertThrows(CaracalException.class, () -> policies.update(policy.id(), new PolicyEdit(Optional.of("20"), Optional.empty(),
                Optional.empty(), Optional.empty()), new PolicyChange("bob", "raise")), "inactive policy");
        assertThrows(CaracalException.class, () -> policies.deactivate(policy.id(), new PolicyChange("bob", "again")), "inactive policy");
        assertEquals(List.of(), newEvents());
    }

    @Test
    void aChangeWhoseEventCannotBeWrittenDoesNotHappen() throws SQLException {
        Database isolated = new Database(TestDatabase.pool("admin_events_no_outbox"));
        TestDatabase.execute(isolated.dataSource(), "CREATE OR REPLACE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN RAISE EXCEPTION 'outbox refused'; END $$");
        TestDatabase.execute(isolated.dataSource(), "DROP TRIGGER IF EXISTS refuse_outbox ON event_outbox");
        TestDatabase.execute(isolated.dataSource(), "CREATE TRIGGER refuse_outbox BEFORE INSERT ON event_outbox FOR EACH ROW EXECUTE FUNCTION test_refuse()");
        String name = "atomic-" + UUID.randomUUID();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> new AgentStore(isolated, Clock.systemUTC()).create(new AgentDraft(name, "", "ops@example.com", null, Map.of())));
        assertTrue(e.getMessage().contains("outbox refused"), e.getMessage());
        try (Connection c = isolated.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM agents WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the agent was created although its event was not written");
            }
        }
    }
}
