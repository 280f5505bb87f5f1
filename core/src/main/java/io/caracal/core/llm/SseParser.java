package io.caracal.core.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Splits a server-sent-events byte stream into events as its bytes arrive, in chunks cut anywhere, and passes each
 * event's exact bytes on or drops them. Lines end with \n, \r\n or \r; an event ends with a blank line. Line breaks
 * are single bytes that never occur inside a multi-byte UTF-8 character, so lines are cut on bytes and decoded whole.
 */
final class SseParser {
    /** One event: its bytes, its {@code event:} name (null when none) and its {@code data:} lines joined by \n (null when none). */
    record Event(byte[] raw, String name, String data) {
    }

    private byte[] pending = new byte[256];
    private int length;
    private int lineStart;
    private String name;
    private StringBuilder data;
    /** The last byte was a \r ending a line: a \n right after it belongs to the same line break. */
    private boolean afterCr;
    /** ... and that \r ended an event, whose fate its \n shares. */
    private boolean crEndedEvent;
    private boolean lastKept;

    /** Feeds a chunk; returns the bytes of the complete events that {@code keep} keeps, in order. */
    byte[] accept(byte[] chunk, Predicate<Event> keep) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length);
        for (byte b : chunk) {
            if (afterCr && b == '\n') {
                afterCr = false;
                if (!crEndedEvent) {
                    append(b);
                    lineStart = length;
                } else if (lastKept) {
                    out.write(b);
                }
                continue;
            }
            afterCr = false;
            append(b);
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                int lineEnd = length - 1;
                crEndedEvent = lineEnd == lineStart;
                if (crEndedEvent) {
                    Event event = new Event(Arrays.copyOf(pending, length), name, data == null ? null : data.toString());
                    lastKept = keep.test(event);
                    if (lastKept) {
                        out.write(event.raw(), 0, event.raw().length);
                    }
                    length = 0;
                    name = null;
                    data = null;
                } else {
                    field(new String(pending, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8));
                }
                lineStart = length;
            }
        }
        return out.toByteArray();
    }

    /** The bytes of an event that has not ended yet, unchanged. */
    byte[] remainder() {
        return Arrays.copyOf(pending, length);
    }

    /** A line of the event: "field: value" or "field:value"; comments (":...") and other fields carry nothing metered. */
    private void field(String line) {
        int colon = line.indexOf(':');
        if (colon == 0) {
            return;
        }
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            name = value;
        } else if (field.equals("data")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
    }

    private void append(byte b) {
        if (length == pending.length) {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        pending[length++] = b;
    }
}
