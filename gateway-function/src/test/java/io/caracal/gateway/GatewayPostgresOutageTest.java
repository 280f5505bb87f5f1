package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.FreePorts;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayLoad.HoldRow;
import io.caracal.gateway.GatewayLoad.LedgerEvent;
import io.caracal.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL killed under running gateways (a real server of the test's own, started again on its data directory):
 * with degraded mode on, an agent the gateway has cached is served, marked degraded, up to the allowance and then
 * refused, an agent it has not cached is refused, and what was served waits in the spend journal until PostgreSQL is
 * back, whether the gateway is still running then or started again on the journal (then with Redis down too, and back
 * with its old figures). The ledger is then exactly what was served, Redis counts all of it, and a journal replayed a
 * second time (a crash between the replay's commit and the journal's truncation) changes nothing. With degraded mode
 * off, every call is refused and none forwarded.
 */
class GatewayPostgresOutageTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayPostgresOutageTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String DATABASE = "gateway_pg_degraded";
    private static final String PRICE = "0.30";
    /** Three calls at 0.30 fit, a fourth does not. */
    private static final String ALLOWANCE = "1.00";

    /**
     * The most a call may take while PostgreSQL is down: a read that finds it unreachable waits out the pool's connection
     * timeout (1 s) once, then the caches answer from memory and the writer from its journal without trying it for a
     * second; the bound GatewayNoLostSpendTest and GatewayDatabaseOutageTest use.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    /** A call while a store is down, answered within {@link #DEADLINE}. */
    private static HttpResponse<String> duringOutage(GatewayFixture gateway, Caller caller) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = call(gateway, caller);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("during the outage: {} in {} ms", response.statusCode(), took.toMillis());
        assertTrue(took.compareTo(DEADLINE) < 0, "answered " + response.statusCode() + " in " + took.toMillis() + " ms");
        return response;
    }

    private static HttpResponse<String> call(GatewayFixture gateway, Caller caller) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.base.resolve("/stub/v1/chat")).timeout(Duration.ofSeconds(30))
                .header("X-API-Key", caller.key()).header("X-Caracal-Estimated-Cost", PRICE)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error").asText();
    }

    private static GatewayFixture gateway(DedicatedPostgres postgres, EmbeddedRedisServer redis, Path journal) throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("datasources.default.url", postgres.jdbcUrl(), "caracal.redis.url", redis.uri()));
        if (journal != null) {
            settings.put("caracal.gateway.degraded-allowance", ALLOWANCE);
            settings.put("caracal.gateway.degraded-journal-dir", journal.toString());
        }
        return new GatewayFixture(DATABASE, settings);
    }

    /** A call served in degraded mode: forwarded, charged, marked; returns its request id. */
    private static String degraded(GatewayFixture gateway, Caller caller) throws Exception {
        int hits = gateway.hits.get();
        HttpResponse<String> response = duringOutage(gateway, caller);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("true", response.headers().firstValue("X-Caracal-Degraded-Mode").orElse(null));
        assertEquals(PRICE, response.headers().firstValue("X-Caracal-Charged").orElseThrow());
        assertEquals(hits + 1, gateway.hits.get());
        return response.headers().firstValue("X-Request-ID").orElseThrow();
    }

    /** /ready's status code, overall status and database check, as "503 unhealthy database=unhealthy". */
    private static String readiness(GatewayFixture gateway) throws Exception {
        HttpResponse<String> ready = CLIENT.send(HttpRequest.newBuilder(gateway.base.resolve("/ready")).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(ready.body());
        return ready.statusCode() + " " + body.path("status").asText() + " database=" + body.path("checks").path("database").path("status").asText();
    }

    /** A call refused with a 503 and the error given, not forwarded. */
    private static void refused(GatewayFixture gateway, Caller caller, String expected) throws Exception {
        int hits = gateway.hits.get();
        HttpResponse<String> response = duringOutage(gateway, caller);
        assertEquals(503, response.statusCode(), response.body());
        assertEquals(expected, error(response), response.body());
        assertEquals(hits, gateway.hits.get(), "a refused call is not forwarded");
    }

    /** The first call served normally once PostgreSQL is back (the pool may need a moment to reconnect). */
    private static HttpResponse<String> servedAgain(GatewayFixture gateway, Caller caller) {
        return Await.until(Duration.ofSeconds(30), () -> {
            try {
                return call(gateway, caller);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, response -> response.statusCode() == 200 && response.headers().firstValue("X-Caracal-Degraded-Mode").isEmpty());
    }

    /** A call served normally: its request id. */
    private static String served(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(PRICE, response.headers().firstValue("X-Caracal-Charged").orElseThrow());
        return response.headers().firstValue("X-Request-ID").orElseThrow();
    }

    private static Set<UUID> ledgerIds(List<LedgerEvent> ledger) {
        return ledger.stream().map(LedgerEvent::eventId).collect(Collectors.toSet());
    }

    /** The request id of every charge in the agent's ledger, once each (a list, so a repeat would show). */
    private static List<String> chargedRequests(DataSource db, Caller caller) throws SQLException {
        List<String> requests = new java.util.ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT metadata->>'request_id' FROM ledger_events WHERE agent_id = ?")) {
            ps.setObject(1, caller.agent().id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    requests.add(rs.getString(1));
                }
            }
        }
        return requests;
    }

    /** The agent's ledger once it has {@code size} events (a replay runs within about a second of PostgreSQL answering). */
    private static List<LedgerEvent> ledgerOf(DataSource db, Caller caller, int size) {
        return Await.until(Duration.ofSeconds(30), () -> {
            try {
                return GatewayLoad.ledger(db, caller.agent().id());
            } catch (SQLException e) {
                return List.<LedgerEvent>of();
            }
        }, ledger -> ledger.size() >= size);
    }

    private static long outboxEvents(DataSource db, Caller caller) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM event_outbox WHERE event_key = ?")) {
            ps.setString(1, caller.agent().id().toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Set<UUID> meteringEventsIn(DataSource db, Set<UUID> ids) throws SQLException {
        Set<UUID> found = new HashSet<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT event_id FROM event_outbox WHERE topic = 'caracal.metering.events' AND event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return found;
    }

    private static BigDecimal times(int calls) {
        return new BigDecimal(PRICE).multiply(BigDecimal.valueOf(calls));
    }

    @Test
    void degradedModeServesCachedAgentsWithinTheAllowanceAndTheJournalReachesTheLedgerExactlyOnce(@TempDir Path data, @TempDir Path journal,
                                                                                                   @TempDir Path redisData) throws Exception {
        Path file = journal.resolve("spend.journal");
        int redisPort = FreePorts.next();
        EmbeddedRedisServer redis = EmbeddedRedisServer.startKeepingData(redisPort, redisData);
        try (DedicatedPostgres postgres = new DedicatedPostgres(data, FreePorts.next(), DATABASE)) {
            GatewayFixture first = gateway(postgres, redis, journal);
            GatewayFixture strict = gateway(postgres, redis, null);
            Caller caller = first.caller("100.00");
            Caller stranger = first.caller("100.00");
            Caller strictCaller = strict.caller("100.00");
            DataSource db = first.gateway.getBean(DataSource.class);
            Set<String> served = new HashSet<>();
            try {
                served.add(served(call(first, caller)));
                served.add(served(call(first, caller)));
                served(call(strict, strictCaller));

                // (1) PostgreSQL down, both gateways running, Redis up.
                postgres.kill();
                for (int i = 0; i < 3; i++) {
                    served.add(degraded(first, caller));
                }
                assertEquals("200 degraded database=degraded", readiness(first), "serving through the outage, so still in its load balancer");
                assertEquals("503 unhealthy database=unhealthy", readiness(strict));
                refused(first, caller, "policy_evaluation_failed"); // past the allowance: 0.90 spent, 0.30 more would be 1.20
                refused(first, stranger, "authentication_unavailable"); // never seen by this gateway: nothing cached
                refused(strict, strictCaller, "policy_evaluation_failed"); // degraded mode off: fail closed, nothing forwarded
                assertTrue(Files.size(file) > 0, "the degraded calls wait in the journal");

                postgres.start();
                List<LedgerEvent> ledger = ledgerOf(db, caller, 5);
                assertEquals(List.copyOf(served).stream().sorted().toList(), chargedRequests(db, caller).stream().sorted().toList(),
                        "the ledger is exactly the calls served, the degraded ones included, each once");
                assertEquals(0, times(5).compareTo(GatewayLoad.sum(ledger)));
                assertEquals(0, GatewayLoad.holdsChargedTwice(db, caller.agent().id()));
                List<HoldRow> holds = GatewayLoad.holds(db, caller.agent().id());
                assertEquals(5, holds.size(), "one hold per call served, none for the refused one: " + holds);
                assertTrue(holds.stream().allMatch(h -> h.state().equals("settled")), holds.toString());
                assertEquals(ledgerIds(ledger), meteringEventsIn(db, ledgerIds(ledger)), "every charge's metering event is in the outbox");
                awaitEmpty(file);

                // Back to normal, and Redis counts every charge, the degraded ones included: 100 − 6 × 0.30 left.
                HttpResponse<String> after = servedAgain(first, caller);
                served.add(served(after));
                assertEquals(0, new BigDecimal("100").subtract(times(6)).compareTo(remaining(after)), after.headers().map().toString());

                // (2) PostgreSQL and Redis down together; the gateway stops before they are back, leaving its journal behind.
                postgres.kill();
                redis.close();
                served.add(degraded(first, caller));
                served.add(degraded(first, caller));
            } finally {
                first.close();
                strict.close();
            }
            byte[] leftover = Files.readAllBytes(file);
            assertTrue(leftover.length > 0);
            // Redis back with its old figures, ready markers and all: they lack the two calls it never saw, and the gateway that
            // remembered that is gone. The new one learns it from the journal, and has those budgets rebuilt after replaying it.
            redis = EmbeddedRedisServer.startKeepingData(redisPort, redisData);
            postgres.start();
            List<LedgerEvent> replayedAtStart;
            long outbox;
            List<HoldRow> holds;
            try (GatewayFixture second = gateway(postgres, redis, journal)) {
                DataSource again = second.gateway.getBean(DataSource.class);
                replayedAtStart = ledgerOf(again, caller, 8);
                assertEquals(List.copyOf(served).stream().sorted().toList(), chargedRequests(again, caller).stream().sorted().toList(),
                        "replayed at start: the ledger is exactly the calls served, each once");
                assertEquals(0, times(8).compareTo(GatewayLoad.sum(replayedAtStart)));
                HttpResponse<String> after = servedAgain(second, caller);
                assertEquals(0, new BigDecimal("100").subtract(times(9)).compareTo(remaining(after)), after.headers().map().toString());
                outbox = outboxEvents(again, caller);
                holds = GatewayLoad.holds(again, caller.agent().id());
                replayedAtStart = GatewayLoad.ledger(again, caller.agent().id());
            }

            // (3) A crash between the replay's commit and the journal's truncation: the same journal replayed again.
            Files.write(file, leftover);
            try (GatewayFixture third = gateway(postgres, redis, journal)) {
                awaitEmpty(file);
                DataSource again = third.gateway.getBean(DataSource.class);
                List<LedgerEvent> ledger = GatewayLoad.ledger(again, caller.agent().id());
                assertEquals(ledgerIds(replayedAtStart), ledgerIds(ledger), "a second replay adds no charge");
                assertEquals(0, times(9).compareTo(GatewayLoad.sum(ledger)));
                assertEquals(0, GatewayLoad.holdsChargedTwice(again, caller.agent().id()));
                assertEquals(outbox, outboxEvents(again, caller), "nor any event");
                assertEquals(Set.copyOf(holds), Set.copyOf(GatewayLoad.holds(again, caller.agent().id())), "nor changes a hold");
            }
        } finally {
            redis.close();
        }
    }

    private static BigDecimal remaining(HttpResponse<String> response) {
        return new BigDecimal(response.headers().firstValue("X-Caracal-Remaining-Budget").orElseThrow());
    }

    private static void awaitEmpty(Path file) {
        assertEquals(0L, Await.until(Duration.ofSeconds(30), () -> {
            try {
                return Files.size(file);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }, size -> size == 0L), "the journal is emptied once replayed");
    }
}
