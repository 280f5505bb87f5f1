package io.caracal.core.receipt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The signed bytes of a receipt, version 1: compact UTF-8 JSON with the fields in a fixed order, key id last, so that
 * one receipt has exactly one encoding and a verifier finds the key id at the end without parsing anything it has
 * not yet checked. Both halves of the header are unpadded base64url.
 */
final class ReceiptPayload {
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** How the encoding ends: {@code "key_id":"<8 hex>"}}. */
    private static final String KEY_ID_FIELD = "\"key_id\":\"";
    private static final int KEY_ID_TAIL = KEY_ID_FIELD.length() + 8 + 2;

    private ReceiptPayload() {
    }

    static byte[] encode(Receipt receipt) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("event_id", receipt.eventId().toString());
            json.writeStringField("agent_id", receipt.agentId().toString());
            json.writeStringField("amount", receipt.amount().amountText());
            json.writeStringField("currency", receipt.amount().currency().code());
            json.writeStringField("price_version", receipt.priceVersion());
            json.writeStringField("time", receipt.time().toString());
            json.writeStringField("key_id", receipt.keyId());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The key id at the end of an encoding, read at its fixed place; null when the bytes do not end like one. */
    static String keyIdAtEnd(byte[] payload) {
        if (payload.length < KEY_ID_TAIL) {
            return null;
        }
        String tail = new String(payload, payload.length - KEY_ID_TAIL, KEY_ID_TAIL, StandardCharsets.US_ASCII);
        String keyId = tail.substring(KEY_ID_FIELD.length(), KEY_ID_FIELD.length() + 8);
        boolean wellFormed = tail.startsWith(KEY_ID_FIELD) && tail.endsWith("\"}") && keyId.matches("[0-9a-f]{8}");
        return wellFormed ? keyId : null;
    }

    /** The receipt these bytes encode, refused unless they are exactly its encoding. */
    static Receipt decode(byte[] payload) {
        Receipt receipt;
        try (JsonParser json = JSON.createParser(payload)) {
            expect(json.nextToken() == JsonToken.START_OBJECT, "not a JSON object");
            int version = Integer.parseInt(required(json, "v"));
            expect(version == VERSION, "version " + version + " (this verifier reads version " + VERSION + ")");
            UUID eventId = uuid(json, "event_id");
            UUID agentId = uuid(json, "agent_id");
            String amount = required(json, "amount");
            String currency = required(json, "currency");
            String priceVersion = field(json, "price_version");
            String time = required(json, "time");
            String keyId = required(json, "key_id");
            expect(json.nextToken() == JsonToken.END_OBJECT && json.nextToken() == null, "fields after key_id");
            receipt = new Receipt(eventId, agentId, Money.parse("amount", amount, new CurrencyCode(currency)), priceVersion,
                    Instant.parse(time), keyId);
        } catch (IOException | DateTimeParseException | InvalidInputException | IllegalArgumentException e) {
            throw malformed("unreadable payload: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        expect(Arrays.equals(encode(receipt), payload), "the payload is not in canonical form");
        return receipt;
    }

    /** The next field, which must be {@code name}; its value as text (null for JSON null). */
    private static String field(JsonParser json, String name) throws IOException {
        expect(json.nextToken() == JsonToken.FIELD_NAME && name.equals(json.currentName()), "expected field " + name);
        JsonToken value = json.nextToken();
        expect(value != null && value.isScalarValue(), name + " is not a scalar");
        return value == JsonToken.VALUE_NULL ? null : json.getText();
    }

    private static String required(JsonParser json, String name) throws IOException {
        String value = field(json, name);
        expect(value != null, name + " is null");
        return value;
    }

    /** A UUID in any spelling UUID.fromString takes; the canonical-form check refuses all but one. */
    private static UUID uuid(JsonParser json, String name) throws IOException {
        return UUID.fromString(required(json, name));
    }

    static String base64url(byte[] bytes) {
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Decodes unpadded base64url, refusing any other spelling of the same bytes (padding, or set bits after the last
     * byte): otherwise two different headers would carry one receipt, and a changed character could go unnoticed.
     */
    static byte[] fromBase64url(String text, String part) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed("the " + part + " is not base64url");
        }
        expect(bytes.length > 0 && base64url(bytes).equals(text), "the " + part + " is not canonical unpadded base64url");
        return bytes;
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw malformed(problem);
        }
    }

    private static InvalidReceiptException malformed(String problem) {
        return new InvalidReceiptException(InvalidReceiptException.Reason.MALFORMED, "malformed receipt: " + problem);
    }
}
