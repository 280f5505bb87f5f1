package io.caracal.gateway;

import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No lost spend when a gateway process is killed (SIGKILL) under load and started again: every answer a client got
 * with X-Caracal-Charged is in the ledger; every call the upstream served is charged exactly once (settled, or at
 * its held amount once its hold expired); nothing is charged beyond what was served plus the calls in flight.
 */
class GatewayCrashTest {
    private static final String DATABASE = "gw_crash";
    private static final int CLIENTS = 8;
    /** Calls the upstream is still serving when the gateway dies: their holds can only be charged at expiry. */
    private static final int SLOW = 4;
    private static com.zaxxer.hikari.HikariDataSource db;

    @Test
    void aGatewayKilledUnderLoadLosesNoSpendAndChargesNothingTwice(@TempDir Path dir) throws Exception {
        try (GatewayFixture fixture = new GatewayFixture(DATABASE, Map.of()); com.zaxxer.hikari.HikariDataSource pool = TestDatabase.pool(DATABASE)) {
            db = pool;
            GatewayFixture.Caller caller = fixture.caller("1000");
            String jdbc = SharedServices.postgres().jdbcUrl(DATABASE);
            Process first = GatewayProcess.start(jdbc, fixture.upstreamUrl, Duration.ofSeconds(2), dir.resolve("first.port"), List.of());
            URI firstBase = GatewayProcess.baseOf(dir.resolve("first.port"), first);

            Map<String, Optional<String>> answered = new ConcurrentHashMap<>(); // request id → X-Caracal-Charged (empty: no charge header)
            Set<String> unanswered = ConcurrentHashMap.newKeySet();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicInteger sequence = new AtomicInteger();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    while (!killed.get()) {
                        String id = "crash-" + sequence.incrementAndGet();
                        call(client, firstBase, caller.key(), id, "/stub/chat", answered, unanswered);
                    }
                    return null;
                });
            }
            assertTrue(Await.until(Duration.ofSeconds(60), answered::size, n -> n >= 200) >= 200, "answered under load before the kill");
            ExecutorService slowClients = Executors.newFixedThreadPool(SLOW);
            for (int i = 0; i < SLOW; i++) {
                String id = "slow-" + i;
                slowClients.submit(() -> call(client, firstBase, caller.key(), id, "/stub/chat/slow", answered, unanswered));
            }
            assertEquals(SLOW, Await.until(Duration.ofSeconds(30), () -> fixture.received.stream().filter(r -> r.path().endsWith("/slow")).count(),
                    n -> n == SLOW), "the slow calls reached the upstream");
            first.destroyForcibly(); // SIGKILL, with calls held and being served: no shutdown hook, no settle, no void
            first.waitFor(30, TimeUnit.SECONDS);
            killed.set(true);
            fixture.releaseSlow.countDown(); // the upstream finishes serving them, to nobody
            slowClients.shutdown();
            assertTrue(slowClients.awaitTermination(30, TimeUnit.SECONDS));
            clients.shutdown();
            assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));

            Process second = GatewayProcess.start(jdbc, fixture.upstreamUrl, Duration.ofSeconds(2), dir.resolve("second.port"), List.of());
            try {
                URI secondBase = GatewayProcess.baseOf(dir.resolve("second.port"), second);
                for (int i = 0; i < 5; i++) {
                    call(client, secondBase, caller.key(), "after-" + i, "/stub/chat", answered, unanswered);
                    assertEquals(Optional.of("0.30"), answered.get("after-" + i), "the restarted gateway serves and charges");
                }
                // The holds of the calls in flight at the kill expire (2 s) and a sweep charges them at their held amount.
                assertEquals(0, Await.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM budget_holds WHERE state = 'open'"), n -> n == 0),
                        "every hold left open by the kill was charged once it expired");
            } finally {
                second.destroyForcibly();
                second.waitFor(30, TimeUnit.SECONDS);
            }

            Map<String, List<BigDecimal>> charges = ledgerByRequestId();
            Set<String> served = new HashSet<>();
            fixture.seenHeaders.forEach(headers -> Optional.ofNullable(headers.get("X-request-id")).or(() -> Optional.ofNullable(headers.get("X-Request-Id")))
                    .ifPresent(values -> served.add(values.get(0))));
            assertTrue(served.size() >= answered.size(), "the upstream saw every answered call: " + served.size() + " < " + answered.size());
            answered.forEach((id, charged) -> assertEquals(List.of(new BigDecimal("0.3")), charges.get(id),
                    "answered with X-Caracal-Charged " + charged.orElse("(none)") + " and in the ledger once, at the upstream's cost: " + id));
            for (String id : served) {
                assertEquals(1, charges.getOrDefault(id, List.of()).size(), "served once, charged once: " + id);
            }
            Set<String> sent = new HashSet<>(answered.keySet());
            sent.addAll(unanswered);
            assertTrue(sent.containsAll(charges.keySet()), "nothing charged that was never sent");
            for (int i = 0; i < SLOW; i++) {
                assertTrue(unanswered.contains("slow-" + i) && served.contains("slow-" + i), "slow-" + i + " was served, never answered");
                assertEquals(List.of(new BigDecimal("0.5")), charges.get("slow-" + i), "slow-" + i + " charged once, at its hold");
            }
            assertEquals(SLOW, count("SELECT count(*) FROM ledger_events WHERE metadata->>'request_id' LIKE 'slow-%'"
                    + " AND metadata->>'charged' = 'at expiry'"), "by the sweep, once their holds expired");
            int chargedWithoutAnswer = (int) charges.keySet().stream().filter(unanswered::contains).count();
            assertTrue(charges.size() <= served.size() + unanswered.size(), "charged at most what was served plus the calls in flight");
            assertTrue(chargedWithoutAnswer >= served.size() - answered.size(),
                    "every call served but never answered was charged at its hold: " + chargedWithoutAnswer);
            System.out.printf("crash: %d answered, %d in flight at the kill, %d served by the upstream, %d charged (%d never answered, %d at expiry)%n",
                    answered.size(), unanswered.size(), served.size(), charges.size(), chargedWithoutAnswer,
                    count("SELECT count(*) FROM ledger_events WHERE metadata->>'charged' = 'at expiry'"));
        }
    }

    private static void call(HttpClient client, URI base, String key, String id, String path, Map<String, Optional<String>> answered,
                             Set<String> unanswered) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", key).header("X-Request-ID", id)
                .header("X-Caracal-Estimated-Cost", "0.50").timeout(Duration.ofSeconds(60)).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            // Anything but a charged 200 shows as a missing or wrong X-Caracal-Charged in the assertions.
            answered.put(id, response.statusCode() == 200 ? response.headers().firstValue("X-Caracal-Charged") : Optional.of("status " + response.statusCode()));
        } catch (IOException e) {
            unanswered.add(id); // the gateway died with the call in flight
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, List<BigDecimal>> ledgerByRequestId() throws SQLException {
        Map<String, List<BigDecimal>> charges = new HashMap<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT metadata->>'request_id' AS id, amount FROM ledger_events");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                charges.computeIfAbsent(rs.getString("id"), id -> new ArrayList<>()).add(rs.getBigDecimal("amount").stripTrailingZeros());
            }
        }
        return charges;
    }

    private static long count(String sql) {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
