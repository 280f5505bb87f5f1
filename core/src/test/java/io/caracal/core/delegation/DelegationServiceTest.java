package io.caracal.core.delegation;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.budget.EngineFixture;
import io.caracal.core.error.ConflictException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.caracal.core.budget.EngineFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelegationServiceTest {
    private static EngineFixture f;
    private static PemKeys.SigningKey key;
    private static DelegationService service;
    @TempDir
    static Path keys;

    @BeforeAll
    static void setUp() throws Exception {
        f = new EngineFixture("delegation_tokens", Instant.parse("2030-05-01T08:00:00Z"));
        // The seeds' command writes a SEC1 key: read one exactly as openssl writes it.
        Path pem = keys.resolve("delegation.pem");
        Process openssl = new ProcessBuilder("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pem.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor(), new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(pem).contains("BEGIN EC PRIVATE KEY"));
        key = PemKeys.readPrivate(pem);
        service = new DelegationService(f.agents, f.policies, new RevocationStore(f.db, f.clock), key, Map.of(), f.clock);
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private record Family(Agent parent, Agent child) {
    }

    private static Family family() {
        Agent parent = f.agent("deleg-parent", null);
        Agent child = f.agent("deleg-child", parent.id());
        f.policy(parent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        return new Family(parent, child);
    }

    @Test
    void anIssuedTokenCarriesTheReferenceClaimsAndValidates() throws Exception {
        Family family = family();
        Instant now = f.clock.instant();
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("25.50"), null, null, 2);
        String[] parts = issued.token().split("\\.");
        assertEquals(3, parts.length);
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"alg\":\"ES256\"") && header.contains("\"kid\":\"" + key.keyId() + "\""), header);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        for (String claim : List.of("\"iss\":\"" + family.parent.id(), "\"sub\":\"" + family.child.id(), "\"aud\":\"caracal-core\"",
                "\"spendingLimit\":\"25.50\"", "\"currency\":\"USD\"", "\"allowedOperations\":[\"api_call\",\"mcp_tool\"]",
                "\"maxDelegationDepth\":2", "\"jti\":", "\"exp\":" + now.plus(Duration.ofDays(1)).getEpochSecond())) {
            assertTrue(payload.contains(claim), claim + " in " + payload);
        }
        DelegationClaims claims = service.validate(issued.token());
        assertEquals(issued.claims(), claims);
    }

    @Test
    void revokedExpiredTamperedAndForeignTokensAreRefused() {
        Family family = family();
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("10"), Duration.ofHours(1), List.of("api_call"), 1);
        String token = issued.token();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"10.00\"", "\"99.00\"")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertMessage("signature is invalid", forged);
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertMessage("must be signed with ES256", unsigned);
        assertMessage("not a compact JWS", "abc");

        PemKeys.SigningKey other = PemKeys.generate(keys.resolve("other.pem"));
        DelegationService stranger = new DelegationService(f.agents, f.policies, new RevocationStore(f.db, f.clock), other, Map.of(), f.clock);
        assertThrows(InvalidDelegationTokenException.class, () -> stranger.validate(token), "another deployment's key is unknown");
        DelegationService rotated = new DelegationService(f.agents, f.policies, new RevocationStore(f.db, f.clock), other,
                Map.of(key.keyId(), key.publicKey()), f.clock);
        assertEquals(issued.claims(), rotated.validate(token), "old public keys stay accepted after a rotation");

        service.revoke(issued.claims().jti(), "leaked");
        service.revoke(issued.claims().jti(), "again");
        assertMessage("has been revoked", token);

        DelegationService.Issued shortLived = service.issue(family.parent.id(), family.child.id(), usd("1"), Duration.ofMinutes(5), null, 1);
        f.clock.advance(Duration.ofMinutes(5));
        assertMessage("expired", shortLived.token());
    }

    @Test
    void theTreeAndTheParentsBudgetBoundWhatCanBeDelegated() {
        Family family = family();
        Agent stranger = f.agent("deleg-stranger", null);
        assertThrows(io.caracal.core.error.InvalidInputException.class,
                () -> service.issue(stranger.id(), family.child.id(), usd("1"), null, null, 1), "only the direct parent delegates");
        assertThrows(ConflictException.class, () -> service.issue(family.parent.id(), family.child.id(), usd("100.01"), null, null, 1),
                "not more than the parent's own daily limit");
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("100"), null, null, 1);
        f.agents.setStatus(family.child.id(), AgentStatus.SUSPENDED);
        assertMessage("suspended", issued.token());
        f.agents.setStatus(family.child.id(), AgentStatus.ACTIVE);
        f.agents.update(family.child.id(), new io.caracal.core.agent.AgentChange(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), true, java.util.Optional.empty()));
        assertMessage("no longer a child", issued.token());
    }

    private static void assertMessage(String expected, String token) {
        InvalidDelegationTokenException e = assertThrows(InvalidDelegationTokenException.class, () -> service.validate(token));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains(token) || token.length() < 10, "the token is never echoed");
    }
}
