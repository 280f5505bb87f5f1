package io.caracal.core.store;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentChange;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.error.ConflictException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyEdit;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.PolicyVersion;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.pricing.PriceCache;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PriceEntry;
import io.caracal.core.pricing.Prices;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stores under concurrent use and against direct SQL, on real PostgreSQL. */
class StoreIntegrityTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static Database db;
    private static AgentStore agents;
    private static PolicyStore policies;

    @BeforeAll
    static void setUp() {
        db = new Database(TestDatabase.pool("store_integrity"));
        agents = new AgentStore(db, Clock.systemUTC());
        policies = new PolicyStore(db, Clock.systemUTC());
    }

    /** Runs every task at once from its own thread and returns what each returned or threw. */
    private static <T> List<Object> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(future.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static AgentDraft draft(String name) {
        return new AgentDraft(name, "", "ops@example.com", null, Map.of());
    }

    @Test
    void concurrentCreationOfOneNameLetsExactlyOneWin() throws Exception {
        List<Callable<Agent>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> agents.create(draft("contended-name")));
        }
        List<Object> outcomes = concurrently(tasks);
        assertEquals(1, outcomes.stream().filter(Agent.class::isInstance).count(), outcomes::toString);
        assertEquals(7, outcomes.stream().filter(ConflictException.class::isInstance).count(), outcomes::toString);
        assertEquals(1, agents.list(Optional.empty()).stream().filter(a -> a.name().equals("contended-name")).count());
    }

    @Test
    void concurrentReparentingNeverClosesACycle() throws Exception {
        for (int round = 0; round < 20; round++) {
            Agent a = agents.create(draft("cycle-a-" + round));
            Agent b = agents.create(draft("cycle-b-" + round));
            List<Object> outcomes = concurrently(List.<Callable<Agent>>of(
                    () -> agents.update(a.id(), new AgentChange(Optional.empty(), Optional.empty(), Optional.of(b.id()), false, Optional.empty())),
                    () -> agents.update(b.id(), new AgentChange(Optional.empty(), Optional.empty(), Optional.of(a.id()), false, Optional.empty()))));
            assertEquals(1, outcomes.stream().filter(Agent.class::isInstance).count(), outcomes::toString);
            assertEquals(1, outcomes.stream().filter(ConflictException.class::isInstance).count(), outcomes::toString);
            // Each lineage ends at a root, so the stored tree is still a tree.
            assertTrue(agents.lineage(a.id()).size() <= 2 && agents.lineage(b.id()).size() <= 2);
        }
    }

    @Test
    void concurrentUpdatesGetConsecutiveVersionsAndTheLastOneIsCurrent() throws Exception {
        Agent agent = agents.create(draft("versioned"));
        BudgetPolicy policy = policies.create(agent.id(), new PolicyTerms(new Money(BigDecimal.ONE, USD), TimeWindow.DAILY,
                WindowType.CALENDAR, null), null, new PolicyChange("test", "initial"));
        List<Callable<BudgetPolicy>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            tasks.add(() -> {
                BudgetPolicy last = null;
                for (int i = 0; i < 5; i++) {
                    last = policies.update(policy.id(), new PolicyEdit(Optional.of((thread * 100 + i + 2) + ""), Optional.empty(),
                            Optional.empty(), Optional.empty()), new PolicyChange("thread-" + thread, "update " + i));
                }
                return last;
            });
        }
        List<Object> outcomes = concurrently(tasks);
        assertTrue(outcomes.stream().allMatch(BudgetPolicy.class::isInstance), outcomes::toString);
        List<PolicyVersion> history = policies.history(policy.id());
        assertEquals(41, history.size());
        for (int i = 0; i < history.size(); i++) {
            assertEquals(i + 1, history.get(i).version());
        }
        assertEquals(history.get(40).policy().limit(), policies.get(policy.id()).limit(), "the latest version is the policy as stored");
    }

    @Test
    void historyTablesRejectUpdateAndDelete() throws Exception {
        Agent agent = agents.create(draft("append-only"));
        policies.create(agent.id(), new PolicyTerms(new Money(BigDecimal.TEN, USD), TimeWindow.HOURLY, WindowType.ROLLING, null),
                null, new PolicyChange("test", "initial"));
        new PricebookStore(db, Clock.systemUTC()).set(new PriceDraft("append.only", new Money(BigDecimal.ONE, USD), null));
        for (String sql : List.of("UPDATE policy_versions SET change_reason = 'rewritten'", "DELETE FROM policy_versions",
                "UPDATE pricebook_entries SET unit_price = 0", "DELETE FROM pricebook_entries")) {
            SQLException e = assertThrows(SQLException.class, () -> TestDatabase.execute(db.dataSource(), sql), sql);
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        }
    }

    /**
     * The ledger no longer has a foreign key to agents (it locked an agent's row for every charge): a statement naming
     * an agent that does not exist fails whole, with the foreign key's state, and no agent can be deleted from under it.
     */
    @Test
    void ledgerEventsNameOnlyAgentsThatExistAndAgentsAreNeverDeleted() throws Exception {
        Agent agent = agents.create(draft("kept"));
        String row = "(gen_random_uuid(), '%s', 1, 'USD', now(), now())";
        String insert = "INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) VALUES ";
        SQLException missing = assertThrows(SQLException.class, () -> TestDatabase.execute(db.dataSource(),
                insert + row.formatted(agent.id()) + ", " + row.formatted(java.util.UUID.randomUUID())));
        assertEquals("23503", missing.getSQLState(), missing.getMessage());
        assertEquals(0L, ledgerEventsOf(agent), "nothing of the refused statement was written");
        TestDatabase.execute(db.dataSource(), insert + row.formatted(agent.id()) + ", " + row.formatted(agent.id()));
        assertEquals(2L, ledgerEventsOf(agent));

        Agent unused = agents.create(draft("never-charged"));
        for (String sql : List.of("DELETE FROM agents WHERE id = '" + unused.id() + "'", "DELETE FROM agents WHERE id = '" + agent.id() + "'",
                "TRUNCATE agents CASCADE")) {
            SQLException e = assertThrows(SQLException.class, () -> TestDatabase.execute(db.dataSource(), sql), sql);
            assertTrue(e.getMessage().contains("agents are never deleted"), e.getMessage());
        }
        assertEquals(unused, agents.get(unused.id()));
        assertEquals(2L, ledgerEventsOf(agent));
    }

    private static long ledgerEventsOf(Agent agent) {
        return db.transaction(c -> {
            try (var ps = c.prepareStatement("SELECT count(*) FROM ledger_events WHERE agent_id = ?")) {
                ps.setObject(1, agent.id());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    void databaseConstraintsBackTheDomainRules() {
        for (String sql : List.of(
                "INSERT INTO budget_policies (id, agent_id, limit_amount, currency, time_window, window_type, created_at, updated_at)"
                        + " SELECT gen_random_uuid(), id, -1, 'USD', 'daily', 'calendar', now(), now() FROM agents LIMIT 1",
                "INSERT INTO budget_policies (id, agent_id, limit_amount, currency, time_window, window_type, created_at, updated_at)"
                        + " SELECT gen_random_uuid(), id, 1, 'usd', 'daily', 'calendar', now(), now() FROM agents LIMIT 1",
                "INSERT INTO budget_policies (id, agent_id, limit_amount, currency, time_window, window_type, time_zone, created_at, updated_at)"
                        + " SELECT gen_random_uuid(), id, 1, 'USD', 'daily', 'rolling', 'Europe/Berlin', now(), now() FROM agents LIMIT 1",
                "INSERT INTO pricebook_entries (resource_key, unit_price, currency, effective_from, recorded_at) VALUES ('x', -1, 'USD', now(), now())",
                "UPDATE agents SET parent_id = id")) {
            assertThrows(SQLException.class, () -> TestDatabase.execute(db.dataSource(), sql), sql);
        }
    }

    @Test
    void thePriceInForceIsTheLatestEffectiveEntry() {
        Instant t0 = Instant.parse("2030-03-01T12:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(t0);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        PricebookStore prices = new PricebookStore(db, clock);
        prices.set(new PriceDraft("timed.resource", new Money(new BigDecimal("0.10"), USD), null));
        prices.set(new PriceDraft("timed.resource", new Money(new BigDecimal("0.20"), USD), t0.plus(Duration.ofHours(1))));
        assertEquals(new BigDecimal("0.100000000"), priceAt(prices, t0.plus(Duration.ofMinutes(59))));
        assertEquals(new BigDecimal("0.200000000"), priceAt(prices, t0.plus(Duration.ofHours(1))));
        assertEquals(2, prices.history("timed.resource").size());
        PriceCache cache = new PriceCache(prices, new ChangeFeed(null, new DatabaseOutage(clock)), Duration.ofSeconds(30), clock);
        for (Prices source : List.of(prices, cache)) {
            assertEquals(t0, source.entryAt("timed.resource", t0.plus(Duration.ofMinutes(59))).orElseThrow().effectiveFrom());
            PriceEntry later = source.entryAt("timed.resource", t0.plus(Duration.ofHours(1))).orElseThrow();
            assertEquals(t0.plus(Duration.ofHours(1)), later.effectiveFrom());
            assertEquals(new Money(new BigDecimal("0.20"), USD), later.unitPrice());
            assertEquals(Optional.of(new Money(new BigDecimal("0.20"), USD)), source.priceOf("timed.resource", t0.plus(Duration.ofHours(2))));
            assertEquals(Optional.empty(), source.entryAt("timed.resource", t0.minusMillis(1)), "nothing was in force before the first entry");
            assertEquals(Optional.empty(), source.priceOf("never.priced", t0));
        }
        now.set(t0.plus(Duration.ofHours(2)));
        assertThrows(io.caracal.core.error.InvalidInputException.class,
                () -> prices.set(new PriceDraft("timed.resource", new Money(BigDecimal.ONE, USD), t0)));
        assertEquals(2, prices.history("timed.resource").size(), "a refused back-dated price is not stored");
    }

    private static BigDecimal priceAt(PricebookStore prices, Instant at) {
        return prices.pricesAt(at).stream().filter(p -> p.resourceKey().equals("timed.resource")).map(PriceEntry::unitPrice)
                .map(Money::amount).findFirst().orElseThrow();
    }
}
