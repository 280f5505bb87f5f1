package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.budget.Settlement;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.receipt.Receipt;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.receipt.ReceiptSigner;
import io.caracal.core.receipt.ReceiptVerifier;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.receipt.Receipts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receipts from the real gateway over real PostgreSQL and Redis: an agent charged through the proxy gets the signed
 * receipt of that charge from {@code GET /receipts/{eventId}}, nobody else does, and every key a gateway signed with
 * stays registered, whether it was generated at start or read from RECEIPT_SIGNING_KEY_PATH.
 */
class GatewayReceiptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String DATABASE = "gateway_receipts";
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = new GatewayFixture(DATABASE, Map.of());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static HttpResponse<String> charge(Caller caller) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.50").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> receipt(Caller caller, String eventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(f.base.resolve("/receipts/" + eventId)).header("X-Request-ID", "receipt-test").GET();
        if (caller != null) {
            request.header("X-API-Key", caller.key());
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The agent's ledger events (id, occurred time): the settlement writes them before the call is answered. */
    private static List<Object[]> ledgerEvents(Caller caller) throws Exception {
        List<Object[]> events = new ArrayList<>();
        try (Connection c = f.gateway.getBean(javax.sql.DataSource.class).getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT event_id, occurred_at FROM ledger_events WHERE agent_id = ?")) {
            ps.setObject(1, caller.agent().id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Object[]{rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()});
                }
            }
        }
        return events;
    }

    private static Receipt verified(String header) {
        return ReceiptVerifier.verify(header, f.gateway.getBean(ReceiptKeyStore.class)::find);
    }

    @Test
    void anAgentGetsTheSignedReceiptOfItsOwnChargeAndNobodyElseDoes() throws Exception {
        Caller alice = f.caller("5.00");
        Caller bob = f.caller("5.00");
        HttpResponse<String> charged = charge(alice);
        assertEquals(200, charged.statusCode(), charged.body());
        assertEquals("0.30", charged.headers().firstValue("X-Caracal-Charged").orElseThrow());
        List<Object[]> events = ledgerEvents(alice);
        assertEquals(1, events.size());
        String eventId = (String) events.get(0)[0];

        HttpResponse<String> answer = receipt(alice, eventId);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(eventId, body.get("event_id").asText());
        Receipt receipt = verified(body.get("receipt").asText());
        assertEquals(new Receipt(UUID.fromString(eventId), alice.agent().id(), Money.parse("amount", "0.30", new CurrencyCode("USD")), null,
                (Instant) events.get(0)[1], f.gateway.getBean(Receipts.class).keyId()), receipt);

        HttpResponse<String> anonymous = receipt(null, eventId);
        assertEquals(401, anonymous.statusCode());
        JsonNode refused = JSON.readTree(anonymous.body());
        assertEquals("authentication_failed", refused.get("error").asText());
        assertEquals("receipt-test", refused.get("request_id").asText());

        for (String other : List.of(eventId, UUID.randomUUID().toString())) {
            HttpResponse<String> notFound = receipt(other.equals(eventId) ? bob : alice, other);
            assertEquals(404, notFound.statusCode(), notFound.body());
            JsonNode error = JSON.readTree(notFound.body());
            assertEquals("not_found", error.get("error").asText());
            assertEquals("no charge of yours with event id " + other + " is in the ledger", error.get("message").asText());
        }
        HttpResponse<String> malformed = receipt(alice, "not-an-id");
        assertEquals(400, malformed.statusCode());
        assertEquals("event id 'not-an-id' is not a UUID", JSON.readTree(malformed.body()).get("message").asText());
    }

    /** What the proxy calls once a charge is settled: the price version goes into the signed receipt. */
    @Test
    void aSettlementIsReceiptedWithItsPriceVersion() {
        Caller carol = f.caller("5.00");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Settlement settlement = new Settlement(UUID.randomUUID(), UUID.randomUUID(), carol.agent().id(),
                Money.parse("amount", "0.000123", new CurrencyCode("USD")), now, List.of(), false);
        Receipt receipt = verified(f.gateway.getBean(Receipts.class).issue(settlement, "openai-2026-11"));
        assertEquals("openai-2026-11", receipt.priceVersion());
        assertEquals(settlement.actual(), receipt.amount());
        assertEquals(settlement.eventId(), receipt.eventId());
        assertEquals(now, receipt.time());
    }

    @Test
    void aGatewaySignsWithTheConfiguredKeyAndEveryEarlierKeyStaysRegistered(@TempDir Path dir) throws Exception {
        Caller dave = f.caller("5.00");
        assertEquals(200, charge(dave).statusCode());
        String eventId = (String) ledgerEvents(dave).get(0)[0];
        String fromFirst = JSON.readTree(receipt(dave, eventId).body()).get("receipt").asText();

        PemKeys.SigningKey configured = PemKeys.generate(dir.resolve("receipt_signing_key.pem"));
        try (GatewayFixture second = new GatewayFixture(DATABASE, Map.of("caracal.receipts.signing-key-path",
                dir.resolve("receipt_signing_key.pem").toString()))) {
            String keyId = second.gateway.getBean(Receipts.class).keyId();
            assertEquals(ReceiptSigner.keyId(configured.publicKey()), keyId);
            assertNotEquals(f.gateway.getBean(Receipts.class).keyId(), keyId);
            assertTrue(second.gateway.getBean(ReceiptKeyStore.class).find(keyId).isPresent(), "registered at start");
            HttpResponse<String> again = CLIENT.send(HttpRequest.newBuilder(second.base.resolve("/receipts/" + eventId))
                    .header("X-API-Key", dave.key()).GET().build(), HttpResponse.BodyHandlers.ofString());
            Receipt fromSecond = verified(JSON.readTree(again.body()).get("receipt").asText());
            assertEquals(keyId, fromSecond.keyId());
            Receipt first = verified(fromFirst);
            assertEquals(first.eventId(), fromSecond.eventId());
            assertEquals(first.amount(), fromSecond.amount());
            assertNull(first.priceVersion());
        }
    }
}
