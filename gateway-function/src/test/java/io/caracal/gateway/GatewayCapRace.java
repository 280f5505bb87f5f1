package io.caracal.gateway;

import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetFigures;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayLoad.Call;
import io.caracal.gateway.GatewayLoad.HoldRow;
import io.caracal.gateway.GatewayLoad.LedgerEvent;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hard cap across replicas, as GatewayCapTest (one Redis) and GatewayClusterCapTest (a Redis Cluster) check it:
 * two gateways (separate application contexts and ports) on the same PostgreSQL database and the same Redis, and
 * 1,000 calls from many client threads racing through both for a caller whose tightest budget has room for a
 * fraction of them.
 */
final class GatewayCapRace implements AutoCloseable {
    private static final int CALLS = 1_000;
    private static final int CLIENT_THREADS = 48;
    /** The estimate each call declares, and what the stub upstream reports it cost. */
    static final BigDecimal COST = new BigDecimal("0.30");
    private static final CurrencyCode USD = new CurrencyCode("USD");

    final GatewayFixture first;
    final GatewayFixture second;

    private GatewayCapRace(GatewayFixture first, GatewayFixture second) {
        this.first = first;
        this.second = second;
    }

    /** Both replicas over {@code database}, with {@code settings} on top of the fixture's (which Redis, for one), warmed up. */
    static GatewayCapRace start(String database, Map<String, Object> settings) throws Exception {
        Map<String, Object> properties = new HashMap<>(settings);
        // The upstream answers at once; the fixture's 1 s upstream deadline is for its /slow path, and a loaded
        // machine must not turn a slow forward into a 504 here.
        properties.put("caracal.gateway.request-timeout", "10s");
        GatewayFixture first = new GatewayFixture(database, properties);
        GatewayCapRace race;
        try {
            race = new GatewayCapRace(first, new GatewayFixture(database, properties));
        } catch (Exception | Error e) {
            first.close();
            throw e;
        }
        try {
            GatewayLoad.warmUp(race.first, race.second);
            return race;
        } catch (Exception | Error e) {
            race.close();
            throw e;
        }
    }

    /**
     * Races the calls of {@code caller}, to whom {@code budgets} apply (its own and its ancestors'), and checks that
     * exactly the room {@code tightest} has for them passed: each charged once at its cost, the settled spend of
     * every budget, in the ledger and in Redis, within its limit and equal to what passed, every other call refused
     * with 403 {@code budget_exceeded} naming {@code tightest}, and no hold left open.
     */
    void assertExactlyTheRoomOfTheTightestPasses(Caller caller, List<BudgetPolicy> budgets, BudgetPolicy tightest) throws Exception {
        int room = tightest.limit().amount().divide(COST).intValueExact();
        assertTrue(room < CALLS, "the race is for less room than there are calls");
        Instant started = Instant.now();
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
        List<Call> notRefusedByTheTightest = refused.stream().filter(c -> c.status() != 403 || !"budget_exceeded".equals(c.error())
                || !tightest.id().toString().equals(GatewayLoad.failedPolicyIn(c.body()))).toList();
        assertTrue(notRefusedByTheTightest.isEmpty(), "every call that did not pass was refused with 403 budget_exceeded by policy "
                + tightest.id() + ", but " + notRefusedByTheTightest.size() + " were not: "
                + notRefusedByTheTightest.stream().limit(10).map(c -> c + " " + c.body()).toList());
        DataSource db = first.gateway.getBean(DataSource.class);
        List<LedgerEvent> ledger = GatewayLoad.ledger(db, caller.agent().id());
        BigDecimal settled = GatewayLoad.sum(ledger);
        assertTrue(settled.compareTo(tightest.limit().amount()) <= 0, "settled " + settled + " is within the limit " + tightest.limit());
        assertEquals(room, passed.size(), "exactly as many calls passed as the tightest limit has room for");
        assertTrue(passed.stream().allMatch(c -> c.isCharged() && COST.compareTo(new BigDecimal(c.charged())) == 0),
                "every call that passed was charged its cost: " + passed.stream().filter(c -> !c.isCharged()).limit(10).toList());
        Map<Integer, Long> passedPerReplica = passed.stream().collect(Collectors.groupingBy(Call::replica, Collectors.counting()));
        assertEquals(2, passedPerReplica.size(), "both replicas let calls through, so the race spanned them: " + passedPerReplica);
        assertEquals(room, first.hits.get() + second.hits.get() - hitsBefore, "only the calls that passed reached an upstream");

        BigDecimal spent = COST.multiply(BigDecimal.valueOf(room));
        assertEquals(passed.size(), ledger.size(), "one ledger event per call that passed");
        assertEquals(0, spent.compareTo(settled), "the ledger has exactly what the passed calls were charged");
        assertEquals(0, GatewayLoad.holdsChargedTwice(db, caller.agent().id()), "no hold charged twice");
        List<HoldRow> holds = GatewayLoad.holds(db, caller.agent().id());
        List<HoldRow> open = holds.stream().filter(h -> h.state().equals("open")).toList();
        assertTrue(open.isEmpty(), "no hold left open: " + open);
        assertEquals(room, holds.stream().filter(h -> h.state().equals("settled")).count(), "a settled hold per call that passed");
        assertEveryBudgetSettled(caller, budgets, spent, started);

        // Both replicas agree with the ledger: nothing left under the tightest budget.
        for (GatewayFixture replica : List.of(first, second)) {
            var denied = GatewayLoad.CLIENT.send(HttpRequest.newBuilder(replica.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                    .header("X-Caracal-Estimated-Cost", "0.01").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, denied.statusCode(), denied.body());
            assertEquals(0, tightest.limit().amount().subtract(settled).compareTo(GatewayLoad.remainingIn(denied.body())), denied.body());
            assertEquals(tightest.id().toString(), GatewayLoad.failedPolicyIn(denied.body()), denied.body());
        }
    }

    /**
     * Each budget's settled spend is {@code spent} and within its limit, in the ledger (the spend of the budget's
     * agent and its descendants) and in Redis (as the other replica reads it), with nothing held.
     */
    private void assertEveryBudgetSettled(Caller caller, List<BudgetPolicy> budgets, BigDecimal spent, Instant started) {
        HoldStore ledger = first.gateway.getBean(HoldStore.class);
        Map<UUID, BudgetFigures> inRedis = second.gateway.getBean(BudgetEngine.class).check(caller.agent().id(), null).budgets().stream()
                .collect(Collectors.toMap(BudgetFigures::policyId, Function.identity()));
        assertEquals(budgets.size(), inRedis.size(), "the budgets that apply to the caller: " + inRedis.values());
        for (BudgetPolicy budget : budgets) {
            BigDecimal inLedger = ledger.spend(budget.agentId(), started, Instant.now().plusSeconds(60), true).getOrDefault(USD, BigDecimal.ZERO);
            assertEquals(0, spent.compareTo(inLedger), "the ledger's spend under policy " + budget.id() + ": " + inLedger);
            assertTrue(inLedger.compareTo(budget.limit().amount()) <= 0, "within policy " + budget.id() + "'s limit: " + inLedger);
            BudgetFigures figures = inRedis.get(budget.id());
            assertNotNull(figures, "Redis has policy " + budget.id() + ": " + inRedis.values());
            assertEquals(0, spent.compareTo(figures.spent()), "Redis's spend under policy " + budget.id() + ": " + figures);
            assertTrue(figures.spent().compareTo(budget.limit().amount()) <= 0, "within policy " + budget.id() + "'s limit in Redis: " + figures);
            assertEquals(0, BigDecimal.ZERO.compareTo(figures.held()), "nothing held under policy " + budget.id() + ": " + figures);
        }
    }

    @Override
    public void close() {
        try {
            first.close();
        } finally {
            second.close();
        }
    }
}
