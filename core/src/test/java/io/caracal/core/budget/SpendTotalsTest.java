package io.caracal.core.budget;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.SpendTotals;
import io.caracal.core.money.Nanos;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.Windows;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.testing.MutableClock;
import io.caracal.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.caracal.core.budget.EngineFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's per-minute spend totals, which a rebuild sums instead of the ledger: kept equal to the ledger by every
 * writer under concurrency, backfilled by their migration, summed into exactly the figures the ledger gives for every
 * kind of window, and forgotten only where no window reaches.
 */
class SpendTotalsTest {
    /** Zones whose hours start at :45, :30 with DST, and :30 behind UTC with DST. */
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Asia/Kathmandu"), ZoneId.of("Australia/Adelaide"), ZoneId.of("America/St_Johns"));
    private static final String LIMIT = "1000000";

    /** A ledger line as a rebuild counts it: its budget, when its charge occurred (as stored), and its amount. */
    private record Line(UUID policyId, Instant occurredAt, BigDecimal amount) {
    }

    @Test
    void aRebuildHasTheLedgersFiguresForCalendarAndRollingBudgetsAcrossBucketsZonesAndBoundaries() throws SQLException {
        // Five weeks from 8 March 2030: a month's end, St John's DST start (10 March) and Adelaide's DST end (7 April).
        try (EngineFixture f = new EngineFixture("spend_totals_rebuild", Instant.parse("2030-03-08T00:00:00Z"))) {
            Agent agent = f.agent("totals", null);
            List<BudgetPolicy> policies = new ArrayList<>();
            for (TimeWindow window : TimeWindow.values()) {
                policies.add(f.policy(agent, LIMIT, window, WindowType.ROLLING, null));
                ZONES.forEach(zone -> policies.add(f.policy(agent, LIMIT, window, WindowType.CALENDAR, zone, null)));
            }
            Random random = new Random(13);
            List<Instant> charged = new ArrayList<>();
            Instant end = f.clock.instant().plus(Duration.ofDays(33));
            while (f.clock.instant().isBefore(end)) {
                BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("1"), null);
                assertTrue(hold.allowed(), hold.decision().reason());
                f.engine.settle(hold.holdId(), usd(BigDecimal.valueOf(1 + random.nextInt(999_999_999), 9).toPlainString()));
                charged.add(f.clock.instant());
                Instant now = f.clock.instant();
                if (random.nextInt(3) == 0) {
                    // The next charge lands on a zone's hour or midnight, or a millisecond before it.
                    Instant bound = Windows.at(random.nextBoolean() ? TimeWindow.HOURLY : TimeWindow.DAILY, WindowType.CALENDAR,
                            ZONES.get(random.nextInt(ZONES.size())), now).end();
                    f.clock.set(random.nextBoolean() && bound.minusMillis(1).isAfter(now) ? bound.minusMillis(1) : bound);
                } else {
                    f.clock.advance(Duration.ofMinutes(1 + random.nextInt(900)).plusMillis(random.nextInt(60_000)));
                }
            }

            List<Line> lines = lines(f.db.dataSource());
            List<Instant> instants = new ArrayList<>(charged);
            for (int i = 0; i < 30; i++) {
                instants.add(charged.get(0).plus(Duration.ofMinutes(random.nextInt(64 * 24 * 60)).plusMillis(random.nextInt(60_000))));
            }
            for (Instant now : instants) {
                for (BudgetPolicy policy : policies) {
                    List<String> rebuilt = f.holds.rebuildState(policy, now).buckets().stream().map(b -> b.bucketId() + "=" + b.nanos()).toList();
                    assertEquals(fromLedger(policy, now, lines), rebuilt, policy.timeWindow() + " " + policy.windowType() + " "
                            + policy.timeZone() + " at " + now);
                }
            }
            BudgetPolicy rollingMonth = policies.stream().filter(p -> p.timeWindow() == TimeWindow.MONTHLY && p.windowType() == WindowType.ROLLING)
                    .findFirst().orElseThrow();
            assertTrue(f.holds.rebuildState(rollingMonth, f.clock.instant()).buckets().stream().filter(b -> !b.nanos().equals("0")).count() > 30,
                    "the charges spread over many buckets");

            // Back to the last charge, so that even the hourly windows have spend.
            f.clock.set(charged.get(charged.size() - 1));
            List<BudgetFigures> before = f.engine.check(agent.id(), null).budgets();
            assertTrue(before.stream().allMatch(b -> b.spent().signum() > 0), before.toString());
            f.redis.sync().flushall();
            assertEquals(before, f.engine.check(agent.id(), null).budgets(), "Redis, rebuilt, has the figures it had counted charge by charge");
        }
    }

    @Test
    void theTotalsEqualTheLedgerAfterConcurrentChargesByEveryWriterOnTwoReplicas() throws Exception {
        try (EngineFixture one = new EngineFixture("spend_totals_concurrent", Instant.parse("2030-05-01T10:00:00Z"));
             EngineFixture two = one.replica();
             GroupCommitWriter writerOne = new GroupCommitWriter(one.holds, 10_000, Duration.ofSeconds(30));
             GroupCommitWriter writerTwo = new GroupCommitWriter(two.holds, 10_000, Duration.ofSeconds(30))) {
            Agent parent = one.agent("shared-parent", null);
            List<BudgetPolicy> policies = new ArrayList<>(List.of(one.policy(parent, LIMIT, TimeWindow.DAILY, WindowType.CALENDAR, null),
                    one.policy(parent, LIMIT, TimeWindow.HOURLY, WindowType.ROLLING, null)));
            List<Agent> children = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Agent child = one.agent("child-" + i, parent.id());
                policies.add(one.policy(child, LIMIT, TimeWindow.WEEKLY, WindowType.ROLLING, null));
                children.add(one.agents.get(child.id()));
            }
            // Every charge counts on the parent's budgets too: all writers add to the same rows at once.
            List<BudgetEngine> grouped = List.of(
                    new BudgetEngine(one.agents, one.policies, one.prices, one.holds, writerOne, new RedisBudgetCounters(one.redis.sync()), one.clock),
                    new BudgetEngine(two.agents, two.policies, two.prices, two.holds, writerTwo, new RedisBudgetCounters(two.redis.sync()), two.clock));
            List<BudgetEngine> direct = List.of(one.engine, two.engine);
            List<LedgerStore> consumers = List.of(new LedgerStore(one.db, one.clock), new LedgerStore(two.db, two.clock));
            int workers = 16;
            int minutes = 4;
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier nextMinute = new CyclicBarrier(workers, () -> one.clock.advance(Duration.ofSeconds(61)));
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                running.add(pool.submit(() -> {
                    Random random = new Random(worker);
                    for (int minute = 0; minute < minutes; minute++) {
                        for (int i = 0; i < 8; i++) {
                            Agent child = children.get(random.nextInt(children.size()));
                            String amount = BigDecimal.valueOf(1 + random.nextInt(1_000_000), 9).toPlainString();
                            try {
                                charge(worker % 3, random.nextInt(2), child, amount, grouped, direct, consumers, one, policies);
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }
                        nextMinute.await(60, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            failures.addAll(EngineFixture.failuresOf(running));
            pool.shutdown();
            assertTrue(failures.isEmpty(), () -> "failures (a deadlock would be one): " + failures);

            Map<String, BigDecimal> ledger = perMinute(lines(one.db.dataSource()));
            assertEquals(policies.size() * minutes, ledger.size(), "every budget was charged in every minute: " + ledger.keySet());
            assertEquals(ledger, totals(one.db.dataSource()));
        }
    }

    /** One charge of {@code amount} to {@code child}: through a replica's group commit, its engine's own transaction, or the ledger consumer. */
    private static void charge(int path, int replica, Agent child, String amount, List<BudgetEngine> grouped, List<BudgetEngine> direct,
                               List<LedgerStore> consumers, EngineFixture f, List<BudgetPolicy> policies) {
        Map<String, String> call = Map.of("request_id", UUID.randomUUID().toString());
        switch (path) {
            case 0 -> {
                BudgetEngine engine = grouped.get(replica);
                BudgetEngine.HoldResult held = engine.holdForCall(child, usd("0.01"), null, call, Optional.empty());
                assertTrue(held.allowed(), held.decision().reason());
                engine.settle(held, usd(amount), call);
            }
            case 1 -> {
                BudgetEngine engine = direct.get(replica);
                BudgetEngine.HoldResult held = engine.hold(child.id(), usd("0.01"), null);
                assertTrue(held.allowed(), held.decision().reason());
                engine.settle(held.holdId(), usd(amount));
            }
            default -> {
                Map<UUID, BigDecimal> lines = new HashMap<>();
                for (BudgetPolicy policy : policies) {
                    if (policy.agentId().equals(child.id()) || policy.agentId().equals(child.parentId())) {
                        lines.put(policy.id(), new BigDecimal(amount));
                    }
                }
                LedgerStore.BatchResult result = consumers.get(replica).write(List.of(new MeteringEvent(UUID.randomUUID(), child.id(), null,
                        usd(amount), f.clock.instant(), "api.example.com", lines, call)));
                assertEquals(1, result.written(), result.toString());
            }
        }
    }

    @Test
    void aRebuildSumsTheTotalsNotTheLedger() throws Exception {
        try (EngineFixture f = new EngineFixture("spend_totals_source", Instant.parse("2030-06-01T12:00:00Z"))) {
            Agent agent = f.agent("diverged", null);
            BudgetPolicy daily = f.policy(agent, LIMIT, TimeWindow.DAILY, WindowType.CALENDAR, null);
            BudgetPolicy hourly = f.policy(agent, LIMIT, TimeWindow.HOURLY, WindowType.ROLLING, null);
            for (String amount : List.of("1.5", "2.25")) {
                BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("5"), null);
                f.engine.settle(hold.holdId(), usd(amount));
                f.clock.advance(Duration.ofMinutes(2));
            }
            // The ledger cannot be changed, its totals can: the two now disagree.
            execute(f, "UPDATE ledger_spend_totals SET amount = amount + 10 WHERE policy_id = '" + daily.id() + "'");
            execute(f, "DELETE FROM ledger_spend_totals WHERE policy_id = '" + hourly.id() + "'");
            f.redis.sync().flushall();

            Map<UUID, BigDecimal> spent = new HashMap<>();
            f.engine.check(agent.id(), null).budgets().forEach(b -> spent.put(b.policyId(), b.spent()));
            assertEquals(0, new BigDecimal("23.75").compareTo(spent.get(daily.id())), "the ledger's 3.75 and the 20 added to its two minutes");
            assertEquals(0, BigDecimal.ZERO.compareTo(spent.get(hourly.id())), "no totals, no spend, whatever the ledger holds");

            assertThrows(IllegalArgumentException.class, () -> f.db.transaction(c -> SpendTotals.between(c, daily.id(),
                    List.of(f.clock.instant().plusSeconds(30), f.clock.instant().plusSeconds(90)))), "a range starting inside a minute");
        }
    }

    @Test
    void theMigrationBackfillsTheChargesAlreadyInTheLedgerThatAWindowCanReach() throws Exception {
        try (HikariDataSource pool = TestDatabase.unmigrated("spend_totals_backfill")) {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").target("9").load().migrate();
            Database db = new Database(pool);
            MutableClock clock = new MutableClock(Instant.parse("2030-07-01T00:00:00Z"));
            Agent agent = new AgentStore(db, clock).create(new AgentDraft("backfilled", "", "ops@example.com", null, Map.of()));
            PolicyStore policies = new PolicyStore(db, clock);
            List<BudgetPolicy> budgets = List.of(
                    policies.create(agent.id(), new PolicyTerms(usd(LIMIT), TimeWindow.DAILY, WindowType.CALENDAR, null), null, new PolicyChange("test", "test")),
                    policies.create(agent.id(), new PolicyTerms(usd(LIMIT), TimeWindow.MONTHLY, WindowType.ROLLING, null), null, new PolicyChange("test", "test")));
            // The migration backfills from its server's clock back, so the charges are dated from that clock too.
            Instant serverNow = db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT now()"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
                }
            });
            Map<Instant, String> charges = new LinkedHashMap<>();
            charges.put(serverNow.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES), "0.25");
            charges.put(serverNow.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES).plusSeconds(59), "0.5");
            charges.put(serverNow.minus(Duration.ofDays(34)), "1.000000001");
            charges.put(serverNow.plus(Duration.ofDays(400)), "2");
            Instant outOfReach = serverNow.minus(Duration.ofDays(36));
            charges.put(outOfReach, "7");
            LedgerStore ledger = new LedgerStore(db, clock);
            List<MeteringEvent> events = new ArrayList<>();
            charges.forEach((at, amount) -> events.add(event(agent, budgets, at, amount)));
            assertEquals(charges.size(), ledger.write(events).written());

            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();

            Map<String, BigDecimal> reachable = perMinute(lines(pool).stream().filter(l -> !l.occurredAt().equals(outOfReach)).toList());
            assertEquals(3 * budgets.size(), reachable.size(), "four charges within reach, two of them in one minute");
            assertEquals(reachable, totals(pool));

            ledger.write(List.of(event(agent, budgets, serverNow.minus(Duration.ofDays(1)), "0.125")));
            assertEquals(perMinute(lines(pool).stream().filter(l -> !l.occurredAt().equals(outOfReach)).toList()), totals(pool),
                    "and charges written after it are added");
        }
    }

    @Test
    void theSweepForgetsOnlyTotalsThatNoWindowReaches() throws SQLException {
        // Now is the last minute of a 31-day month: its calendar month reaches back the furthest.
        Instant now = Instant.parse("2030-08-31T23:59:00Z");
        try (EngineFixture f = new EngineFixture("spend_totals_forget", now.minus(Duration.ofDays(40)))) {
            Agent agent = f.agent("forgetting", null);
            List<BudgetPolicy> policies = List.of(f.policy(agent, LIMIT, TimeWindow.MONTHLY, WindowType.CALENDAR, null),
                    f.policy(agent, LIMIT, TimeWindow.MONTHLY, WindowType.ROLLING, null),
                    f.policy(agent, LIMIT, TimeWindow.WEEKLY, WindowType.CALENDAR, ZONES.get(0), null));
            for (Duration ago : List.of(Duration.ofDays(40), Duration.ofDays(36), Duration.ofDays(30).plusHours(23), Duration.ofHours(1))) {
                f.clock.set(now.minus(ago));
                BudgetEngine.HoldResult hold = f.engine.hold(agent.id(), usd("5"), null);
                f.engine.settle(hold.holdId(), usd("1"));
            }
            f.clock.set(now);
            List<BudgetFigures> before = f.engine.check(agent.id(), null).budgets();

            assertEquals(4, f.engine.forgetOldSpendTotals(4), "at most as many as asked");
            assertEquals(2, f.engine.forgetOldSpendTotals(100), "the minutes of the two charges older than any window, of each budget");
            assertEquals(0, f.engine.forgetOldSpendTotals(100));
            assertEquals(policies.size() * 2, totals(f.db.dataSource()).size());
            f.redis.sync().flushall();
            assertEquals(before, f.engine.check(agent.id(), null).budgets(), "nothing a window reaches was forgotten");
            assertEquals(4 * policies.size(), lines(f.db.dataSource()).size(), "the ledger keeps every charge");
        }
    }

    @Test
    void everyBucketOfEveryWindowIsWholeMinutesAndStartsWithinReach() {
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        Instant to = Instant.parse("2045-01-01T00:00:00Z");
        List<Instant> rolling = new ArrayList<>();
        for (ZoneId zone : ZoneId.getAvailableZoneIds().stream().sorted().map(ZoneId::of).toList()) {
            // Around each change of offset, and at the last instant of each month, where a calendar month reaches back the furthest.
            List<Instant> instants = new ArrayList<>();
            for (ZoneOffsetTransition t = zone.getRules().nextTransition(from); t != null && t.getInstant().isBefore(to);
                 t = zone.getRules().nextTransition(t.getInstant())) {
                instants.add(t.getInstant());
                instants.add(t.getInstant().minusNanos(1));
            }
            for (LocalDate month = LocalDate.of(2025, 1, 1); month.getYear() < 2028; month = month.plusMonths(1)) {
                instants.add(month.atStartOfDay(zone).toInstant().minusNanos(1));
            }
            for (Instant at : instants) {
                for (TimeWindow window : TimeWindow.values()) {
                    checkBuckets(new BudgetPolicy(UUID.randomUUID(), UUID.randomUUID(), usd("1"), window, WindowType.CALENDAR, zone, null, true, at, at), at);
                }
            }
            rolling.add(instants.get(0));
        }
        for (Instant at : rolling) {
            for (TimeWindow window : TimeWindow.values()) {
                checkBuckets(new BudgetPolicy(UUID.randomUUID(), UUID.randomUUID(), usd("1"), window, WindowType.ROLLING, null, null, true, at, at), at);
            }
        }
    }

    private static void checkBuckets(BudgetPolicy policy, Instant at) {
        List<Buckets.Bucket> buckets = Buckets.window(policy, at);
        for (Buckets.Bucket bucket : buckets) {
            assertTrue(bucket.start().truncatedTo(ChronoUnit.MINUTES).equals(bucket.start())
                    && bucket.end().truncatedTo(ChronoUnit.MINUTES).equals(bucket.end()), () -> policy + " at " + at + ": " + bucket);
        }
        assertFalse(buckets.get(0).start().isBefore(at.minus(Buckets.REACH)), () -> policy + " at " + at + " starts " + buckets.get(0).start());
    }

    /** The spend in each bucket of the policy's window at {@code now}, charge by charge: what a rebuild used to sum from the ledger. */
    private static List<String> fromLedger(BudgetPolicy policy, Instant now, List<Line> lines) {
        Map<String, BigDecimal> spent = new LinkedHashMap<>();
        Buckets.window(policy, now).forEach(b -> spent.put(b.id(), BigDecimal.ZERO));
        for (Line line : lines) {
            String bucket = Buckets.bucketFor(policy, line.occurredAt()).id();
            if (line.policyId().equals(policy.id()) && spent.containsKey(bucket)) {
                spent.merge(bucket, line.amount(), BigDecimal::add);
            }
        }
        return spent.entrySet().stream().map(e -> e.getKey() + "=" + Nanos.of(e.getValue())).toList();
    }

    /** Every line of the ledger. */
    private static List<Line> lines(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT l.policy_id, e.occurred_at, l.amount"
                + " FROM ledger_event_lines l JOIN ledger_events e ON e.event_id = l.event_id"); ResultSet rs = ps.executeQuery()) {
            List<Line> lines = new ArrayList<>();
            while (rs.next()) {
                lines.add(new Line(Rows.uuid(rs, "policy_id"), Rows.instant(rs, "occurred_at"), rs.getBigDecimal("amount")));
            }
            return lines;
        }
    }

    /** The lines summed per budget and minute (UTC), as "policy minute" to amount. */
    private static Map<String, BigDecimal> perMinute(List<Line> lines) {
        Map<String, BigDecimal> sums = new HashMap<>();
        lines.forEach(l -> sums.merge(l.policyId() + " " + l.occurredAt().truncatedTo(ChronoUnit.MINUTES), l.amount(), BigDecimal::add));
        sums.replaceAll((key, sum) -> sum.stripTrailingZeros());
        return sums;
    }

    /** The spend totals, as "policy minute" to amount. */
    private static Map<String, BigDecimal> totals(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT policy_id, slot, amount FROM ledger_spend_totals");
             ResultSet rs = ps.executeQuery()) {
            Map<String, BigDecimal> totals = new HashMap<>();
            while (rs.next()) {
                totals.put(Rows.uuid(rs, "policy_id") + " " + Rows.instant(rs, "slot"), rs.getBigDecimal("amount").stripTrailingZeros());
            }
            return totals;
        }
    }

    private static MeteringEvent event(Agent agent, List<BudgetPolicy> budgets, Instant at, String amount) {
        Map<UUID, BigDecimal> lines = new HashMap<>();
        budgets.forEach(b -> lines.put(b.id(), new BigDecimal(amount)));
        return new MeteringEvent(UUID.randomUUID(), agent.id(), null, usd(amount), at, "api.example.com", lines, Map.of());
    }

    private static void execute(EngineFixture f, String sql) throws SQLException {
        try (Connection c = f.db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
