package io.caracal.gateway;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.budget.BudgetFigures;
import io.caracal.core.delegation.DelegationClaims;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.DelegationService;
import io.caracal.core.delegation.DelegationTokens;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.Database;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delegation tokens at the gateway, on two replicas sharing PostgreSQL and Redis: a child spends under the budget its
 * parent's token grants, capped exactly by the token's spending limit and counted on the parent's budget; a token
 * revoked by another process (the CLI's service over its own pool) is refused by both replicas within a second; and no
 * forged, changed, expired or borrowed token reaches the upstream or charges anything.
 */
class GatewayDelegationTest {
    private static final String DATABASE = "gateway_delegation";

    private static GatewayFixture a;
    private static GatewayFixture b;
    private static HikariDataSource cliPool;
    private static DelegationService cli;
    private static DelegationKeyStore cliKeys;

    @BeforeAll
    static void start() throws Exception {
        a = new GatewayFixture(DATABASE, Map.of());
        b = new GatewayFixture(DATABASE, Map.of());
        cliPool = TestDatabase.pool(DATABASE);
        Database db = new Database(cliPool);
        Clock clock = Clock.systemUTC();
        cliKeys = new DelegationKeyStore(db, clock);
        cli = new DelegationService(new AgentStore(db, clock), new PolicyStore(db, clock), cliKeys, new RevocationStore(db, clock), clock);
    }

    @AfterAll
    static void stop() {
        cliPool.close();
        b.close();
        a.close();
    }

    /** A parent with a daily budget and a registered delegation key, and its child with an API key and no budget of its own. */
    private record Family(Agent parent, BudgetPolicy parentBudget, PemKeys.SigningKey key, Caller child) {
        String token(String limit) {
            return cli.issue(parent.id(), child.agent().id(), usd(limit), Duration.ofHours(1), null, 2, key).token();
        }
    }

    private static Family family(String parentLimit) {
        Agent parent = a.agent(null);
        BudgetPolicy budget = a.policy(parent, parentLimit, TimeWindow.DAILY, WindowType.CALENDAR, null);
        PemKeys.SigningKey key = PemKeys.generate();
        cliKeys.register(parent.id(), key.publicKey());
        return new Family(parent, budget, key, a.caller(a.agent(parent.id())));
    }

    private static Money usd(String amount) {
        return new Money(new BigDecimal(amount), new CurrencyCode("USD"));
    }

    /** A call estimated at, and charged, 0.30 (the stub upstream reports that cost). */
    private static HttpResponse<String> call(GatewayFixture gateway, Caller caller, String token) {
        return gateway.callAt030(caller, token == null ? Map.of() : Map.of("X-Caracal-Delegation", token));
    }

    private static String outcome(HttpResponse<String> response) {
        return GatewayFixture.outcome(response);
    }

    /** What the parent's own budget has counted as spent (its children's spend included), as the budget engine reads it. */
    private static BigDecimal parentSpent(Family family) {
        BudgetFigures figures = a.gateway.getBean(BudgetEngine.class).check(family.parent.id(), null).budgets().stream()
                .filter(f -> f.policyId().equals(family.parentBudget.id())).findFirst().orElseThrow();
        return figures.spent();
    }

    private static int hits() {
        return a.hits.get() + b.hits.get();
    }

    @Test
    void aDelegatedChildSpendsWithItsTokenAndTheParentsBudgetCountsIt() {
        Family family = family("10.00");
        String token = family.token("5.00");
        assertEquals("403 budget_exceeded", outcome(call(a, family.child, null)), "without the token the child has no budget");

        HttpResponse<String> spent = call(a, family.child, token);
        assertEquals(200, spent.statusCode(), spent.body());
        assertEquals("0.30", spent.headers().firstValue("X-Caracal-Charged").orElseThrow());
        assertEquals(200, call(b, family.child, token).statusCode(), "the other replica honours it too");
        assertEquals(0, new BigDecimal("0.60").compareTo(a.spent(family.child)), "the ledger records the child's spend");
        assertEquals(0, new BigDecimal("0.60").compareTo(parentSpent(family)), "the parent's budget counts it");
        assertTrue(a.seenHeaders.stream().noneMatch(h -> h.keySet().stream().anyMatch("X-Caracal-Delegation"::equalsIgnoreCase)),
                "the token is the gateway's, never forwarded");
    }

    @Test
    void theTokensSpendingLimitCapsTheChildExactlyAcrossReplicas() {
        Family family = family("10.00");
        String token = family.token("1.00");
        GatewayFixture[] replicas = {a, b};
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call(replicas[i % 2], family.child, token).statusCode());
        }
        int before = hits();
        for (GatewayFixture replica : replicas) {
            HttpResponse<String> refused = call(replica, family.child, token);
            assertEquals("403 budget_exceeded", outcome(refused), "0.90 spent: another 0.30 would pass the token's 1.00");
        }
        assertEquals(before, hits(), "refused calls never reach the upstream");
        assertEquals(0, new BigDecimal("0.90").compareTo(a.spent(family.child)), "and are not charged");
        assertEquals(0, new BigDecimal("0.90").compareTo(parentSpent(family)));
        assertEquals(200, call(a, family.child, family.token("1.00")).statusCode(), "another token grants a budget of its own");
    }

    @Test
    void aRevokedTokenIsRefusedWithinOneSecondOnEveryReplica() {
        Family family = family("10.00");
        String token = family.token("5.00");
        // Both replicas have verified the token and cached it as not revoked: only the notice can change that in time.
        assertEquals(200, call(a, family.child, token).statusCode());
        assertEquals(200, call(b, family.child, token).statusCode());
        UUID jti = cli.validate(token).jti();

        cli.revoke(jti, "leaked");
        long revoked = System.nanoTime();
        String expected = "403 delegation_refused";
        String both = Await.until(Duration.ofSeconds(1), () -> outcome(call(a, family.child, token)) + " | " + outcome(call(b, family.child, token)),
                (expected + " | " + expected)::equals);
        long took = (System.nanoTime() - revoked) / 1_000_000;
        assertEquals(expected + " | " + expected, both, "the revocation did not reach both replicas within one second");
        System.out.println("a revoked delegation token was refused by both replicas within " + took + " ms of the revocation's commit");
        int before = hits();
        BigDecimal spent = a.spent(family.child);
        assertEquals(expected, outcome(call(a, family.child, token)));
        assertEquals(before, hits());
        assertEquals(0, spent.compareTo(a.spent(family.child)));
    }

    @Test
    void forgedChangedExpiredAndBorrowedTokensAreRefusedUnforwardedAndUncharged() throws Exception {
        Family family = family("10.00");
        String token = family.token("5.00");
        String[] parts = token.split("\\.");
        DelegationClaims claims = cli.validate(token);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("signed by a key nobody registered", DelegationTokens.sign(claims, PemKeys.generate()));
        PemKeys.SigningKey childsOwn = PemKeys.generate();
        cliKeys.register(family.child.agent().id(), childsOwn.publicKey());
        bad.put("signed by the child's own key, naming its parent as issuer", DelegationTokens.sign(claims, childsOwn));
        char[] payload = parts[1].toCharArray();
        payload[payload.length / 2] = payload[payload.length / 2] == 'A' ? 'B' : 'A';
        bad.put("with one character of its payload changed", parts[0] + "." + new String(payload) + "." + parts[2]);
        bad.put("with a raised spending limit", parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"5.00\"", "\"500.00\"")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        bad.put("unsigned (alg none)", Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".");
        JWSObject hmac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(family.key.keyId()).build(),
                new Payload(Base64.getUrlDecoder().decode(parts[1])));
        hmac.sign(new MACSigner(Arrays.copyOf(family.key.publicKey().getEncoded(), 64)));
        bad.put("HMAC-signed with the parent's public key (HS256)", hmac.serialize());
        bad.put("expired", DelegationTokens.sign(new DelegationClaims(claims.parentId(), claims.childId(), now.minus(Duration.ofHours(2)),
                now.minus(Duration.ofHours(1)), UUID.randomUUID(), claims.spendingLimit(), claims.allowedOperations(), 2), family.key));
        bad.put("not a JWS at all", "not-a-token");

        Caller other = a.caller("10.00");
        int before = hits();
        for (Map.Entry<String, String> presented : bad.entrySet()) {
            HttpResponse<String> refused = call(a, family.child, presented.getValue());
            assertEquals("403 delegation_refused", outcome(refused), "a token " + presented.getKey() + ": " + refused.body());
            assertFalse(refused.body().contains(presented.getValue()), "the token is never echoed");
        }
        HttpResponse<String> borrowed = call(b, other, token);
        assertEquals("403 delegation_refused", outcome(borrowed), "another agent presenting the child's token: " + borrowed.body());
        assertTrue(borrowed.body().contains("issued to agent " + family.child.agent().id()), borrowed.body());

        assertEquals(before, hits(), "no refused token reached the upstream");
        assertEquals(0, BigDecimal.ZERO.compareTo(a.spent(family.child)));
        assertEquals(0, BigDecimal.ZERO.compareTo(a.spent(other)));
        assertEquals(0, BigDecimal.ZERO.compareTo(parentSpent(family)));
        assertEquals(200, call(a, family.child, token).statusCode(), "the genuine token still works");
    }

    @Test
    void aTokenIsHonouredOnlyForTheOperationsItAllows() {
        Family family = family("10.00");
        String mcpOnly = cli.issue(family.parent.id(), family.child.agent().id(), usd("5.00"), Duration.ofHours(1), List.of("mcp_tool"), 2,
                family.key).token();
        HttpResponse<String> refused = call(a, family.child, mcpOnly);
        assertEquals("403 delegation_refused", outcome(refused));
        assertTrue(refused.body().contains("does not allow api_call"), refused.body());
    }
}
