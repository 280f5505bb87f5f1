package io.caracal.gateway;

import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayLoad.Call;
import io.caracal.gateway.GatewayLoad.HoldRow;
import io.caracal.gateway.GatewayLoad.LedgerEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hard cap across replicas: two gateways (separate application contexts and ports) on the same PostgreSQL
 * database and the same Redis, 1,000 calls from many client threads racing through both for one budget that
 * has room for 100 of them. Exactly 100 pass and are charged once each, every other call is refused with 403
 * {@code budget_exceeded}, and no hold is left behind.
 */
class GatewayCapTest {
    private static final String DATABASE = "gateway_cap";
    private static final int CALLS = 1_000;
    private static final int CLIENT_THREADS = 48;
    private static final BigDecimal LIMIT = new BigDecimal("30.00");
    /** The estimate each call declares, and what the stub upstream reports it cost: the budget has room for 100. */
    private static final BigDecimal COST = new BigDecimal("0.30");
    private static final int ROOM = 100;
    private static GatewayFixture first;
    private static GatewayFixture second;

    @BeforeAll
    static void start() throws Exception {
        // The upstream answers at once; the fixture's 1 s upstream deadline is for its /slow path, and a loaded
        // machine must not turn a slow forward into a 504 here.
        Map<String, Object> settings = Map.of("caracal.gateway.request-timeout", "10s");
        first = new GatewayFixture(DATABASE, settings);
        second = new GatewayFixture(DATABASE, settings);
        GatewayLoad.warmUp(first, second);
    }

    @AfterAll
    static void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aThousandCallsRacingThroughTwoReplicasForRoomForAHundredLetExactlyAHundredThrough() throws Exception {
        Caller caller = first.caller(LIMIT.toPlainString());
        int hitsBefore = first.hits.get() + second.hits.get();

        List<Call> calls;
        try (GatewayLoad load = new GatewayLoad(List.of(first.base, second.base), CLIENT_THREADS, CALLS,
                (i, base) -> HttpRequest.newBuilder(base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                        .header("X-Caracal-Estimated-Cost", COST.toPlainString()).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")),
                call -> { })) {
            calls = load.start().finish(Duration.ofSeconds(120));
        }

        assertEquals(CALLS, calls.size());
        List<Call> passed = calls.stream().filter(c -> c.status() == 200).toList();
        List<Call> refused = calls.stream().filter(c -> c.status() != 200).toList();
        List<Call> notBudgetExceeded = refused.stream().filter(c -> c.status() != 403 || !"budget_exceeded".equals(c.error())).toList();
        assertTrue(notBudgetExceeded.isEmpty(), "every call that did not pass was refused with 403 budget_exceeded, but "
                + notBudgetExceeded.size() + " were not: " + notBudgetExceeded.stream().limit(10).toList());
        DataSource db = first.gateway.getBean(DataSource.class);
        List<LedgerEvent> ledger = GatewayLoad.ledger(db, caller.agent().id());
        BigDecimal settled = GatewayLoad.sum(ledger);
        assertTrue(settled.compareTo(LIMIT) <= 0, "settled " + settled + " is within the limit " + LIMIT);
        assertEquals(ROOM, passed.size(), "exactly as many calls passed as the limit has room for");
        assertTrue(passed.stream().allMatch(c -> c.isCharged() && COST.compareTo(new BigDecimal(c.charged())) == 0),
                "every call that passed was charged its cost: " + passed.stream().filter(c -> !c.isCharged()).limit(10).toList());
        Map<Integer, Long> passedPerReplica = passed.stream().collect(Collectors.groupingBy(Call::replica, Collectors.counting()));
        assertEquals(2, passedPerReplica.size(), "both replicas let calls through, so the race spanned them: " + passedPerReplica);
        assertEquals(ROOM, first.hits.get() + second.hits.get() - hitsBefore, "only the calls that passed reached an upstream");

        assertEquals(passed.size(), ledger.size(), "one ledger event per call that passed");
        assertEquals(0, COST.multiply(BigDecimal.valueOf(ROOM)).compareTo(settled), "the ledger has exactly what the passed calls were charged");
        assertEquals(0, GatewayLoad.holdsChargedTwice(db, caller.agent().id()), "no hold charged twice");
        List<HoldRow> holds = GatewayLoad.holds(db, caller.agent().id());
        List<HoldRow> open = holds.stream().filter(h -> h.state().equals("open")).toList();
        assertTrue(open.isEmpty(), "no hold left open: " + open);
        assertEquals(ROOM, holds.stream().filter(h -> h.state().equals("settled")).count(), "a settled hold per call that passed");

        // Both replicas agree with the ledger: nothing left.
        for (GatewayFixture replica : List.of(first, second)) {
            var denied = GatewayLoad.CLIENT.send(HttpRequest.newBuilder(replica.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                    .header("X-Caracal-Estimated-Cost", "0.01").GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(403, denied.statusCode(), denied.body());
            assertEquals(0, LIMIT.subtract(settled).compareTo(GatewayLoad.remainingIn(denied.body())), denied.body());
        }
    }
}
