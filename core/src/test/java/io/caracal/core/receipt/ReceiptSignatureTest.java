package io.caracal.core.receipt;

import io.caracal.core.budget.Settlement;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.receipt.InvalidReceiptException.Reason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Receipts signed and verified with nothing but the keys: the format, and that no change to a receipt goes unnoticed. */
class ReceiptSignatureTest {
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final UUID EVENT = UUID.fromString("0c22d22a-50a5-449e-afc8-d9aeac265b22");
    private static final UUID AGENT = UUID.fromString("550e8400-e29b-41d4-a716-446655440000");
    private static final Instant TIME = Instant.parse("2026-11-23T15:29:29.348787Z");

    private final PemKeys.SigningKey key = PemKeys.generate();
    private final ReceiptSigner signer = new ReceiptSigner(key.privateKey(), key.publicKey());

    private Receipt receipt(String amount, String priceVersion) {
        return new Receipt(EVENT, AGENT, Money.parse("amount", amount, new CurrencyCode("USD")), priceVersion, TIME, signer.keyId());
    }

    private Function<String, Optional<PublicKey>> ourKey() {
        return id -> id.equals(signer.keyId()) ? Optional.of(key.publicKey()) : Optional.empty();
    }

    private static Reason reasonOf(String header, Function<String, Optional<PublicKey>> keys) {
        return assertThrows(InvalidReceiptException.class, () -> ReceiptVerifier.verify(header, keys), header).reason();
    }

    private static String payloadText(String header) {
        return new String(Base64.getUrlDecoder().decode(header.substring(0, header.indexOf('.'))), StandardCharsets.UTF_8);
    }

    @Test
    void thePayloadIsTheDocumentedJsonWithTheKeyIdLast() {
        String header = signer.sign(receipt("0.3", "2026-11-01"));
        assertEquals("{\"v\":1,\"event_id\":\"0c22d22a-50a5-449e-afc8-d9aeac265b22\",\"agent_id\":\"550e8400-e29b-41d4-a716-446655440000\","
                + "\"amount\":\"0.30\",\"currency\":\"USD\",\"price_version\":\"2026-11-01\",\"time\":\"2026-11-23T15:29:29.348787Z\","
                + "\"key_id\":\"" + signer.keyId() + "\"}", payloadText(header));
        assertTrue(header.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "two unpadded base64url parts: " + header);
        assertTrue(payloadText(signer.sign(receipt("0.000000001", null))).contains("\"amount\":\"0.000000001\",\"currency\":\"USD\",\"price_version\":null,"));
    }

    @Test
    void aSignedReceiptVerifiesToWhatWasSigned() {
        for (Receipt signed : List.of(receipt("0.30", null), receipt("12345678901234567890.123456789", "v7 \"quoted\" \u00e9\u00e8 \\ \n"))) {
            assertEquals(signed, ReceiptVerifier.verify(signer.sign(signed), ourKey()));
        }
    }

    @Test
    void theKeyIdIsTheFirstFourBytesOfTheSha256OfThePublicKeyDer() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.publicKey().getEncoded());
        assertEquals(HexFormat.of().formatHex(digest, 0, 4), ReceiptSigner.keyId(key.publicKey()));
        assertEquals(ReceiptSigner.keyId(key.publicKey()), signer.keyId());
    }

    /** Each of the eight one-bit changes of every character: other base64url letters, other ASCII, and non-ASCII. */
    @Test
    void everyChangeOfOneCharacterAnywhereInTheHeaderFails() {
        String header = signer.sign(receipt("0.30", "2026-11-01"));
        int stillBase64url = 0;
        for (int i = 0; i < header.length(); i++) {
            for (int bit = 0; bit < 8; bit++) {
                char replacement = (char) (header.charAt(i) ^ (1 << bit));
                String changed = header.substring(0, i) + replacement + header.substring(i + 1);
                assertThrows(InvalidReceiptException.class, () -> ReceiptVerifier.verify(changed, ourKey()), "position " + i + ", bit " + bit);
                stillBase64url += BASE64URL.indexOf(replacement) >= 0 ? 1 : 0;
            }
        }
        assertTrue(stillBase64url > header.length(), "many changes keep the header well formed and reach the signature check: "
                + stillBase64url);
    }

    @Test
    void everyChangeOfOneByteOfThePayloadBreaksTheSignature() {
        String header = signer.sign(receipt("0.30", "2026-11-01"));
        int dot = header.indexOf('.');
        byte[] payload = Base64.getUrlDecoder().decode(header.substring(0, dot));
        String signature = header.substring(dot + 1);
        // The key id field that ends the payload ("key_id":"<8 hex>"}): changed, it names no key we hold, or none at all.
        int keyIdStart = payload.length - 20;
        for (int i = 0; i < payload.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] changed = payload.clone();
                changed[i] ^= (byte) (1 << bit);
                String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(changed) + "." + signature;
                Reason reason = reasonOf(forged, ourKey());
                if (i < keyIdStart) {
                    assertEquals(Reason.BAD_SIGNATURE, reason, "byte " + i + ", bit " + bit);
                } else {
                    assertNotEquals(Reason.BAD_SIGNATURE, reason, "byte " + i + " is in the key id field: it selects the key");
                }
            }
        }
    }

    @Test
    void aKeyNobodyKnowsIsUnknownAndAnotherKeysSignatureIsBad() {
        PemKeys.SigningKey other = PemKeys.generate();
        ReceiptSigner otherSigner = new ReceiptSigner(other.privateKey(), other.publicKey());
        String byOther = otherSigner.sign(new Receipt(EVENT, AGENT, Money.parse("amount", "0.30", new CurrencyCode("USD")), null, TIME,
                otherSigner.keyId()));
        InvalidReceiptException unknown = assertThrows(InvalidReceiptException.class, () -> ReceiptVerifier.verify(byOther, ourKey()));
        assertEquals(Reason.UNKNOWN_KEY, unknown.reason());
        assertEquals("receipt signed by unknown key " + otherSigner.keyId(), unknown.getMessage());
        // A key store that answers the other key's id with ours: the signature is what decides.
        assertEquals(Reason.BAD_SIGNATURE, reasonOf(byOther, id -> Optional.of(key.publicKey())));
    }

    @Test
    void malformedReceiptsSayWhat() {
        String header = signer.sign(receipt("0.30", null));
        int dot = header.indexOf('.');
        // "e30" is {} in base64url; "e31" spells the same bytes with a stray bit, "e30=" with padding.
        Map<String, String> cases = Map.of(
                "", "it is empty",
                header.replace(".", ""), "not <payload>.<signature>",
                header + ".x", "not <payload>.<signature>",
                "e3+." + header.substring(dot + 1), "the payload is not base64url",
                "e30=." + header.substring(dot + 1), "the payload is not canonical unpadded base64url",
                "e31." + header.substring(dot + 1), "the payload is not canonical unpadded base64url",
                header.substring(0, dot) + ".AA=A", "the signature is not base64url",
                "e30." + header.substring(dot + 1), "the payload does not end with its key id",
                "x".repeat(ReceiptVerifier.MAX_LENGTH + 1), "longer than " + ReceiptVerifier.MAX_LENGTH + " characters");
        cases.forEach((bad, problem) -> {
            InvalidReceiptException e = assertThrows(InvalidReceiptException.class, () -> ReceiptVerifier.verify(bad, ourKey()), bad);
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
            assertEquals("malformed receipt: " + problem, e.getMessage());
        });
    }

    /** Payloads our key signed that this code would never write: the signature is good, the content is refused. */
    @Test
    void aValidSignatureOverAnythingButTheCanonicalEncodingIsMalformed() throws Exception {
        String canonical = payloadText(signer.sign(receipt("0.30", null)));
        String keyId = signer.keyId();
        Map<String, String> cases = Map.of(
                canonical.replace("\"v\":1", "\"v\":2"), "version 2",
                canonical.replace("\"amount\":\"0.30\"", "\"amount\":\"0.3\""), "canonical form",
                canonical.replace(",\"currency\"", ", \"currency\""), "canonical form",
                canonical.replace("\"amount\":\"0.30\"", "\"amount\":\"-0.30\""), "must not be negative",
                canonical.replace("\"time\":\"2026-11-23T15:29:29.348787Z\"", "\"time\":\"yesterday\""), "unreadable payload",
                canonical.replace("\"event_id\":\"" + EVENT + "\"", "\"event_id\":null"), "event_id is null",
                "[1,\"key_id\":\"" + keyId + "\"}", "not a JSON object");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            byte[] payload = bad.getKey().getBytes(StandardCharsets.UTF_8);
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key.privateKey());
            ecdsa.update(payload);
            String header = Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(ecdsa.sign());
            InvalidReceiptException e = assertThrows(InvalidReceiptException.class, () -> ReceiptVerifier.verify(header, ourKey()), bad.getKey());
            assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage());
        }
    }

    @Test
    void aSignerRefusesAForeignKeyPairAndAReceiptNamingAnotherKey() {
        PemKeys.SigningKey other = PemKeys.generate();
        assertThrows(IllegalArgumentException.class, () -> new ReceiptSigner(key.privateKey(), other.publicKey()));
        Receipt foreign = new Receipt(EVENT, AGENT, Money.parse("amount", "1", new CurrencyCode("USD")), null, TIME, ReceiptSigner.keyId(other.publicKey()));
        assertThrows(IllegalArgumentException.class, () -> signer.sign(foreign));
    }

    @Test
    void aReceiptIsMadeFromASettlementOrALedgerRowAndNamesWhereTheLedgerDisagrees() {
        Money actual = Money.parse("amount", "0.30", new CurrencyCode("USD"));
        Settlement settlement = new Settlement(EVENT, UUID.randomUUID(), AGENT, actual, TIME, List.of(), false);
        Receipt issued = Receipt.of(settlement, "2026-11-01", signer.keyId());
        assertEquals(receipt("0.30", "2026-11-01"), issued);

        LedgerRow row = new LedgerRow(EVENT, AGENT, settlement.holdId(), new BigDecimal("0.300000000"), "USD", TIME, TIME.plusSeconds(1),
                "api.example.com", Map.of(Receipt.PRICE_VERSION, "2026-11-01"), Map.of());
        assertEquals(issued, Receipt.of(row, signer.keyId()));
        assertEquals(List.of(), issued.disagreementsWith(row));

        LedgerRow changed = new LedgerRow(EVENT, UUID.randomUUID(), null, new BigDecimal("0.01"), "EUR", TIME.plusMillis(1), TIME,
                null, Map.of(), Map.of());
        List<String> differences = new ArrayList<>(issued.disagreementsWith(changed));
        assertEquals(3, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("agent " + AGENT + " in the receipt, "), differences.toString());
        assertEquals("amount 0.30 USD in the receipt, 0.01 EUR in the ledger", differences.get(1));
        assertEquals("time 2026-11-23T15:29:29.348787Z in the receipt, 2026-11-23T15:29:29.349787Z in the ledger", differences.get(2));
    }
}
