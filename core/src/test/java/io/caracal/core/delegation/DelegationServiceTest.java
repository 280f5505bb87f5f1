package io.caracal.core.delegation;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.budget.EngineFixture;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static io.caracal.core.budget.EngineFixture.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelegationServiceTest {
    private static EngineFixture f;
    private static DelegationKeyStore keys;
    private static DelegationService service;
    @TempDir
    static Path keyFiles;

    @BeforeAll
    static void setUp() {
        f = new EngineFixture("delegation_tokens", Instant.parse("2030-05-01T08:00:00Z"));
        keys = new DelegationKeyStore(f.db, f.clock);
        service = new DelegationService(f.agents, f.policies, keys, new RevocationStore(f.db, f.clock), f.clock);
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private record Family(Agent parent, Agent child, PemKeys.SigningKey key) {
    }

    private static Family family(PemKeys.SigningKey key) {
        Agent parent = f.agent("deleg-parent", null);
        Agent child = f.agent("deleg-child", parent.id());
        f.policy(parent, "100", TimeWindow.DAILY, WindowType.CALENDAR, null);
        keys.register(parent.id(), key.publicKey());
        return new Family(parent, child, key);
    }

    private static Family family() {
        return family(PemKeys.generate());
    }

    @Test
    void anIssuedTokenCarriesTheReferenceClaimsAndValidates() throws Exception {
        // A parent may make its key with openssl, which writes SEC1: read one exactly as openssl writes it.
        Path pem = keyFiles.resolve("parent.pem");
        Process openssl = new ProcessBuilder("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pem.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, openssl.waitFor(), new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(Files.readString(pem).contains("BEGIN EC PRIVATE KEY"));
        Family family = family(PemKeys.readPrivate(pem));
        Instant now = f.clock.instant();
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("25.50"), null, null, 2, family.key);
        String[] parts = issued.token().split("\\.");
        assertEquals(3, parts.length);
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"alg\":\"ES256\"") && header.contains("\"kid\":\"" + family.key.keyId() + "\""), header);
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
    void revokedExpiredTamperedAndForeignTokensAreRefused() throws Exception {
        Family family = family();
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("10"), Duration.ofHours(1), List.of("api_call"), 1,
                family.key);
        String token = issued.token();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"10.00\"", "\"99.00\"")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertMessage("signature is invalid", forged);
        char[] flipped = parts[1].toCharArray();
        flipped[flipped.length / 2] = flipped[flipped.length / 2] == 'A' ? 'B' : 'A';
        assertThrows(InvalidDelegationTokenException.class, () -> service.validate(parts[0] + "." + new String(flipped) + "." + parts[2]),
                "any changed character of the payload");
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertMessage("must be signed with ES256", unsigned);
        // Algorithm confusion: an HMAC keyed with the parent's public key, which anyone can read.
        JWSObject hmac = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(family.key.keyId()).build(),
                new Payload(Base64.getUrlDecoder().decode(parts[1])));
        hmac.sign(new MACSigner(Arrays.copyOf(family.key.publicKey().getEncoded(), 64)));
        assertMessage("must be signed with ES256", hmac.serialize());
        assertMessage("not a compact JWS", "abc");

        PemKeys.SigningKey unregistered = PemKeys.generate();
        assertMessage("unknown key", DelegationTokens.sign(issued.claims(), unregistered));
        PemKeys.SigningKey childsOwn = PemKeys.generate();
        keys.register(family.child.id(), childsOwn.publicKey());
        assertMessage("signed with a key of agent " + family.child.id(), DelegationTokens.sign(issued.claims(), childsOwn));
        assertThrows(InvalidInputException.class, () -> service.issue(family.parent.id(), family.child.id(), usd("1"), null, null, 1, childsOwn),
                "a parent signs with its own keys only");

        PemKeys.SigningKey rotated = PemKeys.generate();
        keys.register(family.parent.id(), rotated.publicKey());
        assertEquals(issued.claims(), service.validate(token), "tokens signed before a rotation still verify");
        assertEquals(family.child.id(), service.validate(service.issue(family.parent.id(), family.child.id(), usd("1"), null, null, 1, rotated)
                .token()).childId());
        assertThrows(ConflictException.class, () -> keys.register(family.child.id(), rotated.publicKey()), "a key belongs to one agent");

        service.revoke(issued.claims().jti(), "leaked");
        service.revoke(issued.claims().jti(), "again");
        assertMessage("has been revoked", token);

        DelegationService.Issued shortLived = service.issue(family.parent.id(), family.child.id(), usd("1"), Duration.ofMinutes(5), null, 1,
                family.key);
        f.clock.advance(Duration.ofMinutes(5));
        assertMessage("expired", shortLived.token());
    }

    @Test
    void theTreeAndTheParentsBudgetBoundWhatCanBeDelegated() {
        Family family = family();
        Agent stranger = f.agent("deleg-stranger", null);
        keys.register(stranger.id(), PemKeys.generate().publicKey());
        PemKeys.SigningKey strangerKey = PemKeys.generate();
        keys.register(stranger.id(), strangerKey.publicKey());
        assertThrows(InvalidInputException.class,
                () -> service.issue(stranger.id(), family.child.id(), usd("1"), null, null, 1, strangerKey), "only the direct parent delegates");
        assertThrows(ConflictException.class, () -> service.issue(family.parent.id(), family.child.id(), usd("100.01"), null, null, 1, family.key),
                "not more than the parent's own daily limit");
        DelegationService.Issued issued = service.issue(family.parent.id(), family.child.id(), usd("100"), null, null, 1, family.key);
        DelegationVerifier verifier = new DelegationVerifier(keys, new RevocationStore(f.db, f.clock), f.agents, f.clock);
        assertEquals(issued.claims(), verifier.verifyFor(family.child.id(), issued.token()));
        InvalidDelegationTokenException notTheSubject = assertThrows(InvalidDelegationTokenException.class,
                () -> verifier.verifyFor(stranger.id(), issued.token()));
        assertTrue(notTheSubject.getMessage().contains("issued to agent " + family.child.id()), notTheSubject.getMessage());
        f.agents.setStatus(family.child.id(), AgentStatus.SUSPENDED);
        assertMessage("suspended", issued.token());
        f.agents.setStatus(family.child.id(), AgentStatus.ACTIVE);
        f.agents.setStatus(family.parent.id(), AgentStatus.SUSPENDED);
        assertMessage("issuing agent " + family.parent.id() + " is suspended", issued.token());
        f.agents.setStatus(family.parent.id(), AgentStatus.ACTIVE);
        f.agents.update(family.child.id(), new io.caracal.core.agent.AgentChange(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), true, java.util.Optional.empty()));
        assertMessage("no longer a child", issued.token());
    }

    @Test
    void maxDelegationDepthBoundsHowDeepBelowTheTopATokenIsHonoured() {
        Family top = family();
        Agent grandchild = f.agent("deleg-grandchild", top.child.id());
        f.policy(top.child, "50", TimeWindow.DAILY, WindowType.CALENDAR, null);
        PemKeys.SigningKey childKey = PemKeys.generate();
        keys.register(top.child.id(), childKey.publicKey());
        String shallow = service.issue(top.child.id(), grandchild.id(), usd("5"), null, null, 1, childKey).token();
        assertMessage("2 levels below the top of its tree, deeper than the token's maxDelegationDepth of 1", shallow);
        String deep = service.issue(top.child.id(), grandchild.id(), usd("5"), null, null, 2, childKey).token();
        assertEquals(grandchild.id(), service.validate(deep).childId());
    }

    private static void assertMessage(String expected, String token) {
        InvalidDelegationTokenException e = assertThrows(InvalidDelegationTokenException.class, () -> service.validate(token));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(!e.getMessage().contains(token) || token.length() < 10, "the token is never echoed");
    }
}
