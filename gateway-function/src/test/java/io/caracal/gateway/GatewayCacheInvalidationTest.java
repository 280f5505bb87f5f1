package io.caracal.gateway;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.DelegationService;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyEdit;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.Database;
import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway reads agents, keys, policies, prices and allowlists from memory, and a change made by another
 * process (the CLI: its own stores over its own pool) reaches it within one second, also after its listening
 * connection was lost.
 */
class GatewayCacheInvalidationTest {
    private static final String DATABASE = "gateway_cache_invalidation";
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    /** The statements the gateway's driver sends, as pgjdbc logs them (each one is parsed: prepareThreshold=0). */
    private static final List<String> statements = new CopyOnWriteArrayList<>();
    private static final Logger DRIVER = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
    private static final Handler RECORDER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage().contains("FE=> Parse")) {
                statements.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** A read of what the caches mirror; the settle's read of its hold (lines joined with their policies) is the write path's. */
    private static final Pattern MIRRORED_READ = Pattern.compile("(?s)^(?!.*budget_hold_lines).*\\b(FROM|JOIN)\\s+(agents|agent_api_keys|budget_policies"
            + "|pricebook_entries|resource_allowlists|delegation_keys|revoked_delegation_tokens)\\b.*");

    private static GatewayFixture f;
    private static HikariDataSource cliPool;
    private static AgentStore cliAgents;
    private static ApiKeyStore cliKeys;
    private static PolicyStore cliPolicies;

    @BeforeAll
    static void start() throws Exception {
        f = new GatewayFixture(DATABASE, Map.of("datasources.default.url", SharedServices.postgres().jdbcUrl(DATABASE) + "?prepareThreshold=0"));
        cliPool = TestDatabase.pool(DATABASE);
        Database cli = new Database(cliPool);
        cliAgents = new AgentStore(cli, Clock.systemUTC());
        cliKeys = new ApiKeyStore(cli, Clock.systemUTC());
        cliPolicies = new PolicyStore(cli, Clock.systemUTC());
        DRIVER.setLevel(Level.FINEST);
        DRIVER.addHandler(RECORDER);
    }

    @AfterAll
    static void stop() {
        DRIVER.removeHandler(RECORDER);
        DRIVER.setLevel(null);
        cliPool.close();
        f.close();
    }

    private static HttpResponse<String> call(Caller caller) {
        return call(caller, Map.of());
    }

    private static HttpResponse<String> call(Caller caller, Map<String, String> headers) {
        return f.callAt030(caller, headers);
    }

    private static String error(HttpResponse<String> response) {
        return GatewayFixture.outcome(response);
    }

    /** A caller whose agent, key and policy the gateway has read once, so they are in its caches. */
    private static Caller warmCaller() {
        Caller caller = f.caller("10.00");
        assertEquals(200, call(caller).statusCode());
        return caller;
    }

    /** Awaits {@code expected} (status and error code) for at most one second from now, just after the change committed. */
    private static void refusedWithinOneSecond(Caller caller, String expected, String change) {
        long committed = System.nanoTime();
        String last = Await.until(ONE_SECOND, () -> error(call(caller)), expected::equals);
        long took = (System.nanoTime() - committed) / 1_000_000;
        assertEquals(expected, last, change + " did not reach the gateway within one second");
        System.out.println(change + " took effect within " + took + " ms of its commit");
    }

    @Test
    void aSuspensionMadeElsewhereRefusesTheNextCallsWithinOneSecond() {
        Caller caller = warmCaller();
        cliAgents.setStatus(caller.agent().id(), AgentStatus.SUSPENDED);
        refusedWithinOneSecond(caller, "401 authentication_failed", "a suspension");
    }

    @Test
    void aKeyRevokedElsewhereIsRefusedWithinOneSecond() {
        Caller caller = warmCaller();
        cliKeys.revoke(cliKeys.list(caller.agent().id()).get(0).id());
        refusedWithinOneSecond(caller, "401 authentication_failed", "a key revocation");
    }

    @Test
    void aLimitLoweredElsewhereBelowWhatIsSpentRefusesWithinOneSecond() {
        Caller caller = warmCaller();
        assertEquals(200, call(caller).statusCode());
        cliPolicies.update(cliPolicies.list(Optional.of(caller.agent().id()), false).get(0).id(),
                new PolicyEdit(Optional.of("0.50"), Optional.empty(), Optional.empty(), Optional.empty()), new PolicyChange("cli", "lowered"));
        refusedWithinOneSecond(caller, "403 budget_exceeded", "a lowered limit");
    }

    @Test
    void aChangeMadeWhileTheListeningConnectionIsDownTakesEffectAndListeningResumes() throws Exception {
        Caller caller = warmCaller();
        int listener = listenerPid();
        try (Connection c = cliPool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + listener + ")");
        }
        cliAgents.setStatus(caller.agent().id(), AgentStatus.SUSPENDED);
        String last = Await.until(Duration.ofSeconds(5), () -> error(call(caller)), "401 authentication_failed"::equals);
        assertEquals("401 authentication_failed", last, "a suspension made while the gateway was not listening");

        int relistened = Await.until(Duration.ofSeconds(10), GatewayCacheInvalidationTest::listenerPidOrZero, pid -> pid != 0 && pid != listener);
        assertNotEquals(0, relistened, "the gateway listens again");
        Caller next = warmCaller();
        cliAgents.setStatus(next.agent().id(), AgentStatus.SUSPENDED);
        refusedWithinOneSecond(next, "401 authentication_failed", "a suspension after the reconnect");
    }

    @Test
    void warmCallsReadNothingThatTheCachesMirror() {
        Caller caller = f.caller("10.00");
        // The caller's rows were just written: their notices, arriving after the first call, would empty the caches
        // it filled, and the warm calls would read through again.
        awaitNoticesDelivered();
        statements.clear();
        assertEquals(200, call(caller).statusCode());
        assertTrue(statements.stream().anyMatch(s -> MIRRORED_READ.matcher(s).matches()),
                "the first call reads through (else this test sees no statements at all): " + statements);

        statements.clear();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, call(caller).statusCode());
        }
        assertTrue(statements.size() > 0, "the calls still write their holds and settlements");
        assertEquals(List.of(), statements.stream().filter(s -> MIRRORED_READ.matcher(s).matches()).toList());
    }

    @Test
    void warmCallsUnderADelegationTokenReadNothingThatTheCachesMirror() {
        Agent parent = f.agent(null);
        f.policy(parent, "10.00", TimeWindow.DAILY, WindowType.CALENDAR, null);
        PemKeys.SigningKey key = PemKeys.generate();
        DelegationKeyStore keys = f.gateway.getBean(DelegationKeyStore.class);
        keys.register(parent.id(), key.publicKey());
        Caller child = f.caller(f.agent(parent.id()));
        String token = new DelegationService(cliAgents, cliPolicies, keys,
                f.gateway.getBean(RevocationStore.class), Clock.systemUTC())
                .issue(parent.id(), child.agent().id(), new Money(new BigDecimal("5"),
                        new CurrencyCode("USD")), Duration.ofHours(1), null, 2, key).token();
        Map<String, String> delegated = Map.of("X-Caracal-Delegation", token);
        // The first call creates the token's budget; its notice empties the policy caches once more, refilled by the second.
        assertEquals(200, call(child, delegated).statusCode());
        awaitNoticesDelivered();
        assertEquals(200, call(child, delegated).statusCode());

        statements.clear();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, call(child, delegated).statusCode());
        }
        assertTrue(statements.size() > 0, "the calls still write their holds and settlements");
        assertEquals(List.of(), statements.stream().filter(s -> MIRRORED_READ.matcher(s).matches()).toList());
    }

    /**
     * Returns once the gateway's feed has handed on every notice committed so far (and is listening): PostgreSQL
     * delivers notices in commit order, so a marker sent now arrives after all of them.
     */
    private static void awaitNoticesDelivered() {
        String marker = "marker-" + java.util.UUID.randomUUID();
        java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
        f.gateway.getBean(ChangeFeed.class).subscribe(new ChangeFeed.Subscriber() {
            @Override
            public void changed(String table) {
                heard.add(table);
            }

            @Override
            public void lost() {
            }

            @Override
            public void listening() {
            }
        });
        try (Connection c = cliPool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_notify('" + ChangeFeed.CHANNEL + "', '" + marker + "')");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        Await.until(Duration.ofSeconds(10), () -> heard.contains(marker), "the gateway to hear every change made so far");
    }

    private static int listenerPid() {
        int pid = listenerPidOrZero();
        assertNotEquals(0, pid, "the gateway's listening connection");
        return pid;
    }

    private static int listenerPidOrZero() {
        try (Connection c = cliPool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + DATABASE + "' AND query = 'LISTEN "
                     + ChangeFeed.CHANNEL + "'")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
