package io.caracal.core.delegation;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Delegation tokens as compact JWS (JWT) signed with ES256, by Nimbus. Only ES256 is accepted on verification, whatever
 * the header asks for, so "alg: none" and algorithm confusion (HS256 keyed with the public key) are refused before any
 * key is looked at; the key is the one its {@code kid} names, and it must belong to the token's issuer.
 */
public final class DelegationTokens {
    /** Clocks of issuer and verifier may disagree this much about "issued at"; expiry is never stretched. */
    private static final Duration SKEW = Duration.ofSeconds(60);

    private DelegationTokens() {
    }

    public static String sign(DelegationClaims claims, PemKeys.SigningKey key) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
        JWTClaimsSet body = new JWTClaimsSet.Builder()
                .issuer(claims.parentId().toString())
                .subject(claims.childId().toString())
                .audience(DelegationClaims.AUDIENCE)
                .issueTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .jwtID(claims.jti().toString())
                .claim("spendingLimit", claims.spendingLimit().amountText())
                .claim("currency", claims.spendingLimit().currency().code())
                .claim("allowedOperations", claims.allowedOperations())
                .claim("maxDelegationDepth", claims.maxDelegationDepth())
                .build();
        SignedJWT jwt = new SignedJWT(header, body);
        try {
            jwt.sign(new ECDSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
        return jwt.serialize();
    }

    /** Verifies signature, signer, audience, times and claim shapes; the caller checks revocation and the agent tree. */
    public static DelegationClaims verify(String token, DelegationKeys keys, Instant now) {
        if (token == null || token.isBlank()) {
            throw new InvalidDelegationTokenException("delegation token is empty");
        }
        SignedJWT jwt = parse(token.trim());
        DelegationKey key = keys.find(jwt.getHeader().getKeyID() == null ? "" : jwt.getHeader().getKeyID())
                .orElseThrow(() -> new InvalidDelegationTokenException("delegation token is signed with an unknown key"));
        try {
            if (!jwt.verify(new ECDSAVerifier(key.publicKey()))) {
                throw new InvalidDelegationTokenException("delegation token signature is invalid");
            }
        } catch (JOSEException e) {
            throw new InvalidDelegationTokenException("delegation token signature is invalid");
        }
        DelegationClaims claims = claims(jwt);
        if (!key.agentId().equals(claims.parentId())) {
            throw new InvalidDelegationTokenException("delegation token is signed with a key of agent " + key.agentId() + ", not of its issuer "
                    + claims.parentId());
        }
        if (!now.isBefore(claims.expiresAt())) {
            throw new InvalidDelegationTokenException("delegation token expired at " + claims.expiresAt());
        }
        if (claims.issuedAt().isAfter(now.plus(SKEW))) {
            throw new InvalidDelegationTokenException("delegation token is issued in the future (" + claims.issuedAt() + ")");
        }
        return claims;
    }

    /** The token as a JWS whose header asks for ES256; nothing about it is trusted yet. */
    private static SignedJWT parse(String token) {
        Header header;
        try {
            header = Header.parse(JOSEObject.split(token)[0]);
        } catch (ParseException e) {
            throw new InvalidDelegationTokenException("delegation token is not a compact JWS (header.payload.signature)");
        }
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new InvalidDelegationTokenException("delegation token must be signed with ES256, not '" + header.getAlgorithm() + "'");
        }
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidDelegationTokenException("delegation token is not a compact JWS (header.payload.signature)");
        }
    }

    private static DelegationClaims claims(SignedJWT jwt) {
        try {
            JWTClaimsSet body = jwt.getJWTClaimsSet();
            if (!List.of(DelegationClaims.AUDIENCE).equals(body.getAudience())) {
                throw new InvalidDelegationTokenException("delegation token is not for " + DelegationClaims.AUDIENCE);
            }
            Money limit = Money.parse("spendingLimit", required(body.getStringClaim("spendingLimit"), "spendingLimit"),
                    CurrencyCode.parse(required(body.getStringClaim("currency"), "currency")));
            List<String> operations = body.getStringListClaim("allowedOperations");
            Integer depth = body.getIntegerClaim("maxDelegationDepth");
            return new DelegationClaims(uuid(body.getIssuer(), "iss"), uuid(body.getSubject(), "sub"),
                    instant(body.getIssueTime(), "iat"), instant(body.getExpirationTime(), "exp"), uuid(body.getJWTID(), "jti"), limit,
                    operations == null ? List.of() : operations, required(depth, "maxDelegationDepth"));
        } catch (ParseException | InvalidInputException e) {
            throw new InvalidDelegationTokenException("delegation token claim is malformed: " + e.getMessage());
        }
    }

    private static <T> T required(T value, String claim) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw new InvalidDelegationTokenException("delegation token lacks the '" + claim + "' claim");
        }
        return value;
    }

    private static Instant instant(Date value, String claim) {
        return required(value, claim).toInstant();
    }

    private static UUID uuid(String value, String claim) {
        try {
            return UUID.fromString(required(value, claim));
        } catch (IllegalArgumentException e) {
            throw new InvalidDelegationTokenException("delegation token claim '" + claim + "' is not a UUID");
        }
    }
}
