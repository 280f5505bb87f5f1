package io.caracal.gateway;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.agent.AgentStore;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.auth.JwtAuthenticator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUTH_MODE=both with keys from a JWKS URL: RS256 and ES256 tokens, and every way a token can be wrong. */
class GatewayJwtTest {
    private static final String ISSUER = "https://issuer.test";
    private static final String AUDIENCE = "caracal-gateway";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static RSAKey rsa;
    private static ECKey ec;
    private static HttpServer jwks;
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] set = new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, set.length);
            exchange.getResponseBody().write(set);
            exchange.close();
        });
        jwks.start();
        f = new GatewayFixture("gateway_jwt", Map.of("caracal.gateway.auth.mode", "both",
                "caracal.gateway.auth.jwks-url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                "caracal.gateway.auth.issuer", ISSUER, "caracal.gateway.auth.audience", AUDIENCE));
    }

    @AfterAll
    static void stop() {
        f.close();
        jwks.stop(0);
    }

    private static JWTClaimsSet.Builder claims(String agentId) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).claim("agent_id", agentId)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String rs256(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(rsa));
        return jwt.serialize();
    }

    private static int call(String token, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-Caracal-Estimated-Cost", "0.01")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void validRs256AndEs256TokensAuthenticateTheirAgent() throws Exception {
        Caller caller = f.caller("10");
        String id = caller.agent().id().toString();
        assertEquals(200, call(rs256(claims(id).build()), null));
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(),
                claims(null).subject(id).build());
        es.sign(new ECDSASigner(ec));
        assertEquals(200, call(es.serialize(), null), "the agent may come from sub");
        assertEquals(200, call(null, caller.key()), "in mode both an API key alone also works");
        assertEquals(200, call(rs256(claims(id).build()), caller.key()), "both presented, same agent");
    }

    @Test
    void expiredEarlyForeignOrMisaddressedTokensAreRefused() throws Exception {
        Caller caller = f.caller("10");
        String id = caller.agent().id().toString();
        Instant now = Instant.now();
        assertEquals(401, call(rs256(claims(id).expirationTime(Date.from(now.minusSeconds(120))).build()), null), "expired");
        assertEquals(401, call(rs256(claims(id).notBeforeTime(Date.from(now.plusSeconds(600))).build()), null), "not yet valid");
        assertEquals(401, call(rs256(new JWTClaimsSet.Builder(claims(id).build()).expirationTime(null).build()), null), "exp is required");
        assertEquals(401, call(rs256(claims(id).issuer("https://evil.test").build()), null), "wrong issuer");
        assertEquals(401, call(rs256(claims(id).audience("someone-else").build()), null), "wrong audience");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims(id).build());
        forged.sign(new RSASSASigner(stranger));
        assertEquals(401, call(forged.serialize(), null), "signed by a key the JWKS does not publish");
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(id).build());
        hmac.sign(new MACSigner(new byte[32]));
        assertEquals(401, call(hmac.serialize(), null), "only RS256 and ES256");
        assertEquals(401, call(rs256(claims(UUID.randomUUID().toString()).build()), null), "unknown agent");
        assertEquals(401, call("not.a.jwt", null));
        Caller other = f.caller("10");
        assertEquals(401, call(rs256(claims(id).build()), other.key()), "a JWT and an API key for different agents");
        assertEquals(401, call("cak_000000000000_forged", caller.key()), "a valid X-API-Key does not rescue a bad bearer key");
        f.gateway.getBean(AgentStore.class).setStatus(caller.agent().id(), AgentStatus.SUSPENDED);
        assertEquals(401, GatewayFixture.statusOnceHeard(() -> call(rs256(claims(id).build()), null), 401), "suspended agent");
    }

    @Test
    void aPublicKeyFileWorksLikeTheJwks(@TempDir Path dir) throws Exception {
        Caller caller = f.caller("10");
        Path pem = dir.resolve("jwt_public.pem");
        Files.writeString(pem, PemKeys.publicPem(rsa.toRSAPublicKey()));
        JwtAuthenticator authenticator = new JwtAuthenticator(f.gateway.getBean(AgentStore.class), JwtAuthenticator.keyFile(pem),
                ISSUER, AUDIENCE, Clock.systemUTC());
        String token = rs256(claims(caller.agent().id().toString()).build());
        assertEquals(caller.agent().id(), authenticator.authenticate(name -> name.equals("Authorization") ? "Bearer " + token : null)
                .orElseThrow().id());
        JwtAuthenticator fixedClock = new JwtAuthenticator(f.gateway.getBean(AgentStore.class), JwtAuthenticator.keyFile(pem),
                ISSUER, AUDIENCE, Clock.fixed(Instant.now().plusSeconds(3600), java.time.ZoneOffset.UTC));
        assertTrue(fixedClock.authenticate(name -> name.equals("Authorization") ? "Bearer " + token : null).isEmpty(),
                "expiry is judged by the injected clock");
    }
}
