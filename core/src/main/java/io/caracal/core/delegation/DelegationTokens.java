package io.caracal.core.delegation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Delegation tokens as compact JWS (JWT) signed with ES256. Only ES256 is accepted on verification, whatever
 * the header asks for, so "alg: none" and algorithm confusion are refused by construction.
 */
public final class DelegationTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** Clocks of issuer and verifier may disagree this much about "issued at". */
    private static final Duration SKEW = Duration.ofSeconds(60);

    private DelegationTokens() {
    }

    public static String sign(DelegationClaims claims, PemKeys.SigningKey key) {
        ObjectNode header = JSON.createObjectNode().put("alg", "ES256").put("typ", "JWT").put("kid", key.keyId());
        ObjectNode body = JSON.createObjectNode()
                .put("iss", claims.parentId().toString())
                .put("sub", claims.childId().toString())
                .put("aud", DelegationClaims.AUDIENCE)
                .put("iat", claims.issuedAt().getEpochSecond())
                .put("exp", claims.expiresAt().getEpochSecond())
                .put("jti", claims.jti().toString())
                .put("spendingLimit", claims.spendingLimit().amountText())
                .put("currency", claims.spendingLimit().currency().code())
                .put("maxDelegationDepth", claims.maxDelegationDepth());
        ArrayNode operations = body.putArray("allowedOperations");
        claims.allowedOperations().forEach(operations::add);
        String signingInput = encode(header) + "." + encode(body);
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key.privateKey());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + ENCODER.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ES256 signing failed", e);
        }
    }

    /** Verifies signature, audience, times and claim shapes; the caller checks revocation and the agent tree. */
    public static DelegationClaims verify(String token, Function<String, ECPublicKey> keysById, Instant now) {
        if (token == null || token.isBlank()) {
            throw new InvalidDelegationTokenException("delegation token is empty");
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidDelegationTokenException("delegation token is not a compact JWS (header.payload.signature)");
        }
        JsonNode header = decode(parts[0], "header");
        if (!"ES256".equals(header.path("alg").asText())) {
            throw new InvalidDelegationTokenException("delegation token must be signed with ES256, not '" + header.path("alg").asText() + "'");
        }
        String keyId = header.path("kid").asText("");
        ECPublicKey key = keysById.apply(keyId);
        if (key == null) {
            throw new InvalidDelegationTokenException("delegation token is signed with unknown key '" + keyId + "'");
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(DECODER.decode(parts[2]))) {
                throw new InvalidDelegationTokenException("delegation token signature is invalid");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidDelegationTokenException("delegation token signature is invalid");
        }
        JsonNode body = decode(parts[1], "payload");
        if (!DelegationClaims.AUDIENCE.equals(body.path("aud").asText())) {
            throw new InvalidDelegationTokenException("delegation token is not for " + DelegationClaims.AUDIENCE);
        }
        Instant issuedAt = Instant.ofEpochSecond(number(body, "iat"));
        Instant expiresAt = Instant.ofEpochSecond(number(body, "exp"));
        if (!now.isBefore(expiresAt)) {
            throw new InvalidDelegationTokenException("delegation token expired at " + expiresAt);
        }
        if (issuedAt.isAfter(now.plus(SKEW))) {
            throw new InvalidDelegationTokenException("delegation token is issued in the future (" + issuedAt + ")");
        }
        List<String> operations = new ArrayList<>();
        body.path("allowedOperations").forEach(o -> operations.add(o.asText()));
        try {
            Money limit = Money.parse("spendingLimit", text(body, "spendingLimit"), CurrencyCode.parse(text(body, "currency")));
            return new DelegationClaims(uuid(body, "iss"), uuid(body, "sub"), issuedAt, expiresAt, uuid(body, "jti"), limit,
                    operations, (int) number(body, "maxDelegationDepth"));
        } catch (InvalidInputException e) {
            throw new InvalidDelegationTokenException("delegation token claim is malformed: " + e.getMessage());
        }
    }

    private static String encode(JsonNode node) {
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode decode(String part, String what) {
        try {
            JsonNode node = JSON.readTree(DECODER.decode(part));
            if (node == null || !node.isObject()) {
                throw new IOException("not an object");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidDelegationTokenException("delegation token " + what + " is not base64url JSON");
        }
    }

    private static String text(JsonNode body, String claim) {
        JsonNode value = body.get(claim);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidDelegationTokenException("delegation token lacks the '" + claim + "' claim");
        }
        return value.asText();
    }

    private static long number(JsonNode body, String claim) {
        JsonNode value = body.get(claim);
        if (value == null || !value.canConvertToLong()) {
            throw new InvalidDelegationTokenException("delegation token lacks the numeric '" + claim + "' claim");
        }
        return value.asLong();
    }

    private static UUID uuid(JsonNode body, String claim) {
        try {
            return UUID.fromString(text(body, claim));
        } catch (IllegalArgumentException e) {
            throw new InvalidDelegationTokenException("delegation token claim '" + claim + "' is not a UUID");
        }
    }
}
