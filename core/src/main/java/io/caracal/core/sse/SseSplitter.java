package io.caracal.core.sse;

import io.caracal.core.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A text/event-stream cut into events as the HTML standard's event-stream parser cuts it, which is the parser the
 * LLM providers' and MCP's SDK clients use: a line ends with CRLF, LF or a lone CR (and a CRLF may be split between
 * two chunks), a blank line ends an event, and a byte order mark before the first line is not part of it. Every
 * event keeps its exact bytes, so what is not rewritten or dropped goes on byte for byte. An event is handed out as
 * soon as the line break that ends it arrives. Not thread-safe; one per stream.
 */
public final class SseSplitter {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One line of an event: its field and value, where it starts, where its text ends and where its line end ends. */
    public record Line(String field, String value, int start, int textEnd, int end) {
    }

    /**
     * An event: its exact bytes, up to and including the blank line that ended it, and its lines. When a lone CR
     * ended the previous event and an LF came next, that LF (the second half of a CRLF) is the first byte of this
     * event's bytes and {@code startsWithLfOfPrevious} is set: whoever drops or keeps events decides that byte's fate
     * with the previous event's.
     */
    public record Event(byte[] raw, List<Line> lines, boolean startsWithLfOfPrevious) {
        /** The data the client dispatches: the values of the data lines joined by LF; empty when there are none. */
        public String data() {
            return lines.stream().filter(line -> line.field().equals("data")).map(Line::value).collect(Collectors.joining("\n"));
        }

        /** The event's type: the value of its last {@code event} line, or null when it has none. */
        public String type() {
            String type = null;
            for (Line line : lines) {
                if (line.field().equals("event")) {
                    type = line.value();
                }
            }
            return type;
        }
    }

    private final int maxEventBytes;
    private byte[] buffer = new byte[8192];
    private int length;
    private int scanned;
    private int lineStart;
    private boolean afterCr;
    private boolean startsWithLfOfPrevious;
    private boolean atStreamStart = true;
    private List<Line> lines = new ArrayList<>();

    /** {@code maxEventBytes}: an event still unfinished past this size fails the stream rather than fill the memory. */
    public SseSplitter(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * The events that {@code chunk} completes; an incomplete one waits for the next chunk.
     *
     * @throws InvalidInputException when an unfinished event has grown past the size limit
     */
    public List<Event> accept(byte[] chunk) {
        append(chunk);
        if (atStreamStart && !skipByteOrderMark()) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        while (scanned < length) {
            byte b = buffer[scanned++];
            if (b == LF && afterCr) {
                // The LF of a CRLF whose CR already ended the line: part of that line's end.
                afterCr = false;
                if (lines.isEmpty()) {
                    // Its CR was a blank line, which ended an event: this LF is the first byte of the next one.
                    startsWithLfOfPrevious = true;
                } else {
                    Line last = lines.remove(lines.size() - 1);
                    lines.add(new Line(last.field(), last.value(), last.start(), last.textEnd(), scanned));
                }
                lineStart = scanned;
            } else if (b == LF || b == CR) {
                afterCr = b == CR;
                if (scanned - 1 == lineStart) {
                    events.add(take());
                } else {
                    lines.add(line(lineStart, scanned - 1, scanned));
                    lineStart = scanned;
                }
            } else {
                afterCr = false;
            }
        }
        if (length > maxEventBytes) {
            throw new InvalidInputException("an event-stream event larger than " + (maxEventBytes >> 20) + " MiB");
        }
        return events;
    }

    /**
     * What is left when the stream ends, as one last event: an event whose blank line never came (its last line
     * may have no line end either), or bytes that end nothing, such as the LF of a final CRLF.
     */
    public Optional<Event> finish() {
        if (length == 0) {
            return Optional.empty();
        }
        if (lineStart < length) {
            lines.add(line(lineStart, length, length));
        }
        scanned = length;
        return Optional.of(take());
    }

    /** A byte order mark may arrive a byte at a time: the first line starts once it is known whether there is one. */
    private boolean skipByteOrderMark() {
        int seen = Math.min(length, BYTE_ORDER_MARK.length);
        if (Arrays.equals(buffer, 0, seen, BYTE_ORDER_MARK, 0, seen)) {
            if (seen < BYTE_ORDER_MARK.length) {
                return false;
            }
            scanned = BYTE_ORDER_MARK.length;
            lineStart = scanned;
        }
        atStreamStart = false;
        return true;
    }

    private Line line(int start, int textEnd, int end) {
        String text = new String(buffer, start, textEnd - start, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new Line(text, "", start, textEnd, end);
        }
        String value = text.substring(colon + 1);
        return new Line(text.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value, start, textEnd, end);
    }

    /** The event that ends at {@code scanned}; the bytes after it start the next one. */
    private Event take() {
        Event event = new Event(Arrays.copyOf(buffer, scanned), List.copyOf(lines), startsWithLfOfPrevious);
        System.arraycopy(buffer, scanned, buffer, 0, length - scanned);
        length -= scanned;
        scanned = 0;
        lineStart = 0;
        startsWithLfOfPrevious = false;
        lines = new ArrayList<>();
        return event;
    }

    private void append(byte[] chunk) {
        if (length + chunk.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + chunk.length));
        }
        System.arraycopy(chunk, 0, buffer, length, chunk.length);
        length += chunk.length;
    }
}
