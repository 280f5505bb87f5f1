package io.caracal.gateway;

import io.caracal.core.store.RedisConnections;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.embedded.FreePorts;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayLoad.Call;
import io.caracal.gateway.GatewayLoad.HoldRow;
import io.caracal.gateway.GatewayLoad.LedgerEvent;
import io.caracal.testing.Await;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No spend is lost, and none is counted twice, when a store goes away under load (real PostgreSQL, Redis and
 * HTTP, no mocks): Redis flushed again and again while calls race for a budget that runs out during the run, and
 * PostgreSQL killed and restarted while calls run.
 *
 * <p>Every call is held for an amount of its own (0.30 or 0.10 plus its index in nano-units) on an upstream path
 * that reports no cost, so it is charged exactly its estimate: each ledger event and each hold names the one call
 * it belongs to, and so does the request id the upstream logs.
 */
class GatewayNoLostSpendTest {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayNoLostSpendTest.class);
    /**
     * The most a call may take while PostgreSQL is unreachable. Each step that needs a connection waits at most the
     * pool's connection timeout (DB_POOL_TIMEOUT_MS, 1 s by default, docs/configuration.md) before it fails closed,
     * and a refused call takes at most a few of them (authenticate; or hold, then release the hold); this is the
     * bound GatewayDatabaseOutageTest uses, far below the 30 s of a pool without that deadline.
     */
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    /** The 503s the gateway documents for a store it cannot reach (docs/gateway.md): it fails closed, never 500. */
    /**
     * The documented 503s of a call refused before it was forwarded: a store that cannot be reached, or (on a loaded
     * machine, while the writer waits out PostgreSQL's connection timeout) a hold not made durable within the write
     * deadline, shed as overloaded. The assertions below prove none of them reached the upstream or was charged.
     */
    private static final Set<String> FAIL_CLOSED = Set.of("authentication_unavailable", "policy_evaluation_failed", "overloaded");

    private static BigDecimal amount(String base, int index) {
        return new BigDecimal(base).add(BigDecimal.valueOf(index + 1L, 9));
    }

    // ---------------------------------------------------------------------------------------------------------
    // (2) Redis FLUSHALL under load
    // ---------------------------------------------------------------------------------------------------------

    private static final BigDecimal FLUSH_LIMIT = new BigDecimal("30.00");
    /** 0.30 plus at most 600 nano-units each: 99 fit in 30.00, the 100th never does. */
    private static final int FLUSH_ROOM = 99;
    private static final int FLUSH_CALLS = 600;

    @Test
    void flushingRedisAgainAndAgainUnderLoadKeepsTheCapAndLosesNoSettledSpend() throws Exception {
        EmbeddedRedisServer redis = EmbeddedRedisServer.start(FreePorts.next());
        Map<String, Object> settings = Map.of("caracal.redis.url", redis.uri(), "caracal.gateway.request-timeout", "10s");
        RedisClient redisClient = RedisConnections.client(redis.uri());
        try (GatewayFixture first = new GatewayFixture("gateway_redis_flush", settings);
             GatewayFixture second = new GatewayFixture("gateway_redis_flush", settings);
             StatefulRedisConnection<String, String> flusher = redisClient.connect()) {
            GatewayLoad.warmUp(first, second);
            Caller caller = first.caller(FLUSH_LIMIT.toPlainString());
            AtomicInteger passed = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            List<Integer> passedAtFlush = java.util.Collections.synchronizedList(new ArrayList<>());
            Runnable flush = () -> {
                synchronized (flusher) {
                    passedAtFlush.add(passed.get());
                    assertEquals("OK", flusher.sync().flushall());
                }
            };
            List<Call> calls;
            // Redis loses everything while calls are in flight on both replicas: each time another 15 calls have
            // passed (so six times before the budget runs out), and every 60 answers throughout.
            try (GatewayLoad load = new GatewayLoad(List.of(first.base, second.base), 24, FLUSH_CALLS,
                    (i, base) -> HttpRequest.newBuilder(base.resolve("/stub/chat/nocost")).header("X-API-Key", caller.key())
                            .header("X-Caracal-Estimated-Cost", amount("0.30", i).toPlainString()).POST(HttpRequest.BodyPublishers.ofString("{}")),
                    call -> {
                        if (call.status() == 200 && passed.incrementAndGet() % 15 == 0) {
                            flush.run();
                        }
                        if (answered.incrementAndGet() % 60 == 0) {
                            flush.run();
                        }
                    })) {
                calls = load.start().finish(Duration.ofSeconds(120));
            }
            long flushesWithRoomLeft = passedAtFlush.stream().filter(p -> p < FLUSH_ROOM).count();
            LOG.info("Redis flushed {} times during {} calls, {} of them while the budget still had room ({} calls passed by then)",
                    passedAtFlush.size(), calls.size(), flushesWithRoomLeft, passedAtFlush);
            assertTrue(flushesWithRoomLeft >= 2, "Redis was flushed more than once while the budget still had room: " + passedAtFlush);

            Map<Integer, Long> statuses = calls.stream().collect(Collectors.groupingBy(Call::status, java.util.TreeMap::new, Collectors.counting()));
            LOG.info("answers: {}", statuses);
            List<Call> unexpected = calls.stream().filter(not(c -> c.isCharged()
                    || (c.status() == 403 && "budget_exceeded".equals(c.error()))
                    || (c.status() == 503 && FAIL_CLOSED.contains(c.error()) && GatewayLoad.documentedErrorBody(c)))).toList();
            assertTrue(unexpected.isEmpty(), "every call was charged, refused for the budget, or failed closed with a documented 503: "
                    + unexpected.stream().limit(10).toList());

            DataSource db = first.gateway.getBean(DataSource.class);
            List<LedgerEvent> ledger = GatewayLoad.ledger(db, caller.agent().id());
            BigDecimal settled = GatewayLoad.sum(ledger);
            assertTrue(settled.compareTo(FLUSH_LIMIT) <= 0, "the cap held: settled " + settled + " of " + FLUSH_LIMIT);
            List<Call> charged = calls.stream().filter(Call::isCharged).toList();
            assertEquals(FLUSH_ROOM, charged.size(), "as many calls passed as the limit has room for: no spend was forgotten by a"
                    + " rebuild (more would pass) and none counted twice (fewer would)");
            assertChargesAreTheLedger(charged, ledger);
            assertEquals(0, GatewayLoad.holdsChargedTwice(db, caller.agent().id()), "no hold charged twice");
            List<HoldRow> open = GatewayLoad.holds(db, caller.agent().id()).stream().filter(h -> h.state().equals("open")).toList();
            assertTrue(open.isEmpty(), "no hold left open: " + open);

            // What Redis says is left agrees with the ledger: as it stands after the run, and rebuilt from PostgreSQL.
            BigDecimal left = FLUSH_LIMIT.subtract(settled);
            for (GatewayFixture replica : List.of(first, second)) {
                assertEquals(0, left.compareTo(remaining(replica, caller, "1.00")), "remaining on " + replica.base + " after the run");
            }
            flush.run();
            for (GatewayFixture replica : List.of(first, second)) {
                assertEquals(0, left.compareTo(remaining(replica, caller, "1.00")), "remaining on " + replica.base + " after a rebuild");
            }
        } finally {
            redisClient.shutdown();
            redis.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // (3) PostgreSQL killed under load, then back
    // ---------------------------------------------------------------------------------------------------------

    private static final String OUTAGE_DATABASE = "gateway_pg_killed";
    private static final BigDecimal OUTAGE_LIMIT = new BigDecimal("1000.00");

    @Test
    void whilePostgresIsDownCallsFailClosedInTimeAndWhenItIsBackNothingIsChargedTwice(@TempDir Path data) throws Exception {
        int port = FreePorts.next();
        DedicatedPostgres postgres = new DedicatedPostgres(data, port, OUTAGE_DATABASE);
        EmbeddedRedisServer redis = EmbeddedRedisServer.start(FreePorts.next());
        RedisClient redisClient = RedisConnections.client(redis.uri());
        try (GatewayFixture gateway = new GatewayFixture(OUTAGE_DATABASE, Map.of(
                "datasources.default.url", postgres.jdbcUrl(),
                "caracal.redis.url", redis.uri(), "caracal.gateway.request-timeout", "10s"))) {
            GatewayLoad.warmUp(gateway);
            Caller caller = gateway.caller(OUTAGE_LIMIT.toPlainString());
            List<Call> calls;
            long down;
            long stopped;
            long restarting;
            long back;
            try (GatewayLoad load = new GatewayLoad(List.of(gateway.base), 16, 20_000,
                    (i, base) -> HttpRequest.newBuilder(base.resolve("/stub/chat/nocost")).header("X-API-Key", caller.key())
                            .header("X-Caracal-Estimated-Cost", amount("0.10", i).toPlainString()).POST(HttpRequest.BodyPublishers.ofString("{}")),
                    call -> { })) {
                load.start();
                awaitCalls(load, c -> c.isCharged(), 50, "50 calls charged before the outage");

                down = System.nanoTime();
                postgres.kill();
                stopped = System.nanoTime();
                long outageStarted = stopped;
                awaitCalls(load, c -> c.started() > outageStarted, 30, "30 calls sent and answered while PostgreSQL is down");

                restarting = System.nanoTime();
                postgres.start();
                back = System.nanoTime();
                long restarted = back;
                awaitCalls(load, c -> c.started() > restarted && c.isCharged(), 60, "60 calls charged after PostgreSQL is back");
                load.stop();
                calls = load.finish(Duration.ofSeconds(60));
            }
            LOG.info("PostgreSQL killed in {} ms, down for {} ms, back (crash recovery included) in {} ms; {} calls",
                    (stopped - down) / 1_000_000, (restarting - stopped) / 1_000_000, (back - restarting) / 1_000_000, calls.size());
            report(calls, down, back);

            // Every answer is a charge, a 200 whose charge the gateway could not record (and says so), or a documented 503.
            List<Call> unexpected = calls.stream().filter(not(c -> c.isCharged()
                    || (c.status() == 200 && c.warning() != null)
                    || (c.status() == 503 && FAIL_CLOSED.contains(c.error()) && GatewayLoad.documentedErrorBody(c)))).toList();
            assertTrue(unexpected.isEmpty(), "every call was charged, warned that its charge was not recorded, or failed closed"
                    + " with a documented 503: " + unexpected.stream().limit(10).toList());

            // While PostgreSQL was down, calls failed closed, within the deadline, and none reached the upstream.
            Set<String> served = gateway.seenHeaders.stream().map(h -> h.getOrDefault("X-request-id", List.of("")).get(0))
                    .collect(Collectors.toSet());
            List<Call> duringOutage = calls.stream().filter(c -> c.started() > stopped && c.ended() < restarting).toList();
            assertTrue(duringOutage.size() >= 30, "calls answered while PostgreSQL was down: " + duringOutage.size());
            List<Call> notRefused = duringOutage.stream().filter(c -> c.status() != 503).toList();
            assertTrue(notRefused.isEmpty(), "every call while PostgreSQL was down failed closed: " + notRefused.stream().limit(10).toList());
            assertTrue(duringOutage.stream().noneMatch(c -> served.contains(c.requestId())), "no call reached the upstream while PostgreSQL was down");
            List<Call> late = calls.stream().filter(c -> c.took().compareTo(DEADLINE) > 0).toList();
            assertTrue(late.isEmpty(), "every call was answered within " + DEADLINE.toMillis() + " ms: " + late.stream().limit(10).toList());

            // A call reached the upstream exactly when it was answered 200.
            for (Call call : calls) {
                assertEquals(call.status() == 200, served.contains(call.requestId()), call + ": answered 200 if and only if served");
            }

            // Once PostgreSQL was back, calls succeeded again: all of the last fifty sent.
            List<Call> afterwards = calls.stream().filter(c -> c.started() > back).sorted(java.util.Comparator.comparingLong(Call::started)).toList();
            List<Call> lastFifty = afterwards.subList(Math.max(0, afterwards.size() - 50), afterwards.size());
            assertTrue(lastFifty.size() == 50 && lastFifty.stream().allMatch(Call::isCharged),
                    "the last fifty calls were charged: " + lastFifty.stream().filter(not(Call::isCharged)).limit(10).toList());

            // Nothing charged twice, every charge a client was told of is in the ledger, nothing else is.
            DataSource db = gateway.gateway.getBean(DataSource.class);
            List<LedgerEvent> ledger = GatewayLoad.ledger(db, caller.agent().id());
            assertEquals(0, GatewayLoad.holdsChargedTwice(db, caller.agent().id()), "no hold charged twice");
            List<Call> charged = calls.stream().filter(Call::isCharged).toList();
            List<Call> warned = calls.stream().filter(c -> c.status() == 200 && c.warning() != null).toList();
            Map<BigDecimal, Call> byAmount = calls.stream().collect(Collectors.toMap(c -> amount("0.10", c.index()).stripTrailingZeros(), c -> c));
            Map<BigDecimal, Long> ledgerAmounts = ledger.stream().collect(Collectors.groupingBy(e -> e.amount().stripTrailingZeros(), Collectors.counting()));
            ledgerAmounts.forEach((amount, count) -> {
                assertEquals(1L, count, "charged once: " + amount);
                Call call = byAmount.get(amount);
                assertTrue(call != null && (call.isCharged() || warned.contains(call)), "a ledger event of " + amount
                        + " belongs to a call that was served and charged (or warned): " + call);
            });
            for (Call call : charged) {
                assertEquals(0, amount("0.10", call.index()).compareTo(new BigDecimal(call.charged())), call + " charged its estimate");
                assertTrue(ledgerAmounts.containsKey(amount("0.10", call.index()).stripTrailingZeros()), call + " is in the ledger");
            }
            assertTrue(ledger.size() >= charged.size() && ledger.size() <= charged.size() + warned.size(),
                    "ledger events " + ledger.size() + " are the " + charged.size() + " charged calls, plus at most the " + warned.size()
                            + " whose charge committed but whose commit was not acknowledged");

            // The holds the outage left open: each is a call's (by its amount), none of a charged call, and they still
            // count against the budget until they expire.
            List<HoldRow> holds = GatewayLoad.holds(db, caller.agent().id());
            List<HoldRow> open = holds.stream().filter(h -> h.state().equals("open")).toList();
            Map<String, List<Call>> openBy = new java.util.TreeMap<>();
            for (HoldRow hold : open) {
                Call call = byAmount.get(hold.estimate().stripTrailingZeros());
                assertTrue(call != null && !call.isCharged(), "an open hold belongs to a call that was not charged: " + hold + " " + call);
                openBy.computeIfAbsent(call.status() == 200 ? "served, charge not recorded" : "refused (503), hold not released", k -> new ArrayList<>()).add(call);
            }
            for (Call call : warned) {
                HoldRow hold = holds.stream().filter(h -> h.estimate().compareTo(amount("0.10", call.index())) == 0).findFirst().orElseThrow();
                assertTrue(hold.state().equals("open") || hold.state().equals("settled"), call + ": its hold is open (counting until it expires)"
                        + " or settled (the commit went through): " + hold);
            }
            LOG.info("holds left open: {}", openBy.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().size()).toList());
            BigDecimal openTotal = open.stream().map(HoldRow::estimate).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal expected = OUTAGE_LIMIT.subtract(GatewayLoad.sum(ledger)).subtract(openTotal);
            BigDecimal live = remaining(gateway, caller, OUTAGE_LIMIT.toPlainString());
            LOG.info("remaining: {} as Redis counts it, {} from PostgreSQL (limit − ledger − open holds)", live, expected);
            assertTrue(live.compareTo(expected) >= 0 && live.subtract(expected).compareTo(openTotal) <= 0,
                    "Redis counts at most what PostgreSQL does: " + live + " left against " + expected);
            try (StatefulRedisConnection<String, String> connection = redisClient.connect()) {
                connection.sync().flushall();
            }
            assertEquals(0, expected.compareTo(remaining(gateway, caller, OUTAGE_LIMIT.toPlainString())),
                    "rebuilt from PostgreSQL, the budget counts the ledger and every hold still open");
        } finally {
            redisClient.shutdown();
            redis.close();
            postgres.close();
        }
    }

    private static void report(List<Call> calls, long down, long back) {
        List<Call> outage = calls.stream().filter(c -> c.ended() > down && c.started() < back).toList();
        Map<String, Long> kinds = outage.stream().collect(Collectors.groupingBy(c -> c.status() + (c.error() != null ? " " + c.error() : "")
                + (c.warning() != null ? " (" + c.warning() + ")" : ""), java.util.TreeMap::new, Collectors.counting()));
        long maxMillis = outage.stream().mapToLong(c -> c.took().toMillis()).max().orElse(0);
        double meanMillis = outage.stream().filter(c -> c.status() == 503).mapToLong(c -> c.took().toMillis()).average().orElse(0);
        LOG.info("{} calls overlapped the outage: {}; slowest {} ms, a 503 took {} ms on average", outage.size(), kinds, maxMillis,
                Math.round(meanMillis));
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Each charged call is in the ledger once, at what it was told, and the ledger holds nothing else. */
    private static void assertChargesAreTheLedger(Collection<Call> charged, List<LedgerEvent> ledger) {
        Map<BigDecimal, Long> told = charged.stream().collect(Collectors.groupingBy(c -> new BigDecimal(c.charged()).stripTrailingZeros(), Collectors.counting()));
        Map<BigDecimal, Long> recorded = ledger.stream().collect(Collectors.groupingBy(e -> e.amount().stripTrailingZeros(), Collectors.counting()));
        assertEquals(charged.size(), told.size(), "every charge is of an amount of its own");
        assertEquals(told, recorded, "the ledger is exactly the charges the clients were told of");
    }

    /** What a replica reports left on the caller's budget, from the refusal of a call too large to fit. */
    private static BigDecimal remaining(GatewayFixture replica, Caller caller, String estimate) throws Exception {
        HttpResponse<String> denied = GatewayLoad.CLIENT.send(HttpRequest.newBuilder(replica.base.resolve("/stub/chat/nocost"))
                .header("X-API-Key", caller.key()).header("X-Caracal-Estimated-Cost", estimate).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, denied.statusCode(), denied.body());
        return GatewayLoad.remainingIn(denied.body());
    }

    private static void awaitCalls(GatewayLoad load, Predicate<Call> which, int count, String what) {
        Await.until(Duration.ofSeconds(60), () -> load.calls().stream().filter(which).count() >= count, what);
    }

    private static <T> Predicate<T> not(Predicate<T> predicate) {
        return predicate.negate();
    }
}
