package io.caracal.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SingleKeyJWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.caracal.core.agent.Agent;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.agent.AgentLookup;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * JWT bearer authentication: RS256 or ES256 only, verified with a configured public key (PEM) or the keys a
 * JWKS URL publishes (fetched and cached, so keys can rotate). {@code exp} is required; {@code nbf}, when
 * present, is honoured; {@code iss} and {@code aud} must match the configured values. The agent is the
 * {@code agent_id} claim, or {@code sub}.
 */
public final class JwtAuthenticator implements AgentAuthenticator {
    private final AgentLookup agents;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtAuthenticator(AgentLookup agents, JWSKeySelector<SecurityContext> keys, String issuer, String audience, Clock clock) {
        if (issuer == null || issuer.isBlank() || audience == null || audience.isBlank()) {
            throw new InvalidInputException("JWT auth needs an issuer and an audience to check (JWT_ISSUER, JWT_AUDIENCE)");
        }
        this.agents = agents;
        processor.setJWSKeySelector(keys);
        // A HashSet: nimbus asks the set whether it contains null, which Set.of answers with an exception.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new java.util.HashSet<>(Set.of(audience)),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"), Set.of()) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        });
    }

    /**
     * The one key in a PEM file (public key or certificate): RS256 for an RSA key, ES256 for a P-256 key. Tokens'
     * key ids are not consulted: there is only this key.
     */
    public static JWSKeySelector<SecurityContext> keyFile(Path pem) {
        try {
            JWK key = JWK.parseFromPEMEncodedObjects(Files.readString(pem));
            if (key instanceof RSAKey rsa) {
                return new SingleKeyJWSKeySelector<>(JWSAlgorithm.RS256, rsa.toRSAPublicKey());
            }
            if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return new SingleKeyJWSKeySelector<>(JWSAlgorithm.ES256, ec.toECPublicKey());
            }
            throw new InvalidInputException("the JWT public key " + pem + " is neither RSA nor P-256");
        } catch (IOException | JOSEException e) {
            throw new InvalidInputException("cannot read the JWT public key " + pem + ": " + e.getMessage());
        }
    }

    /** The keys a JWKS URL publishes, fetched on demand and cached, matched to tokens by key id. */
    public static JWSKeySelector<SecurityContext> jwksUrl(String url) {
        try {
            JWKSource<SecurityContext> source = JWKSourceBuilder.create(URI.create(url).toURL()).build();
            return new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), source);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new InvalidInputException("invalid JWKS URL " + url);
        }
    }

    @Override
    public Optional<Agent> authenticate(Function<String, String> header) {
        String token = ActiveAgents.bearer(header.apply("Authorization"));
        if (token == null || token.startsWith("cak_")) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            String agentId = claims.getStringClaim("agent_id");
            return ActiveAgents.find(agents, agentId != null ? agentId : claims.getSubject());
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return Optional.empty();
        }
    }
}
