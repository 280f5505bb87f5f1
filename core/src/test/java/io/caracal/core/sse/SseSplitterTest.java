package io.caracal.core.sse;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.sse.SseSplitter.Event;
import io.caracal.core.sse.SseSplitter.Line;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseSplitterTest {
    private static List<Event> events(String stream) {
        return new SseSplitter(1 << 20).accept(bytes(stream));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void readsFieldsAsTheEventStreamParserDoes() {
        List<Event> events = events(": comment\nevent:message\ndata\ndata:x\ndata:  two spaces\nid: 1\n\n");
        assertEquals(1, events.size());
        assertEquals(List.of("", "event", "data", "data", "data", "id"), events.get(0).lines().stream().map(Line::field).toList());
        assertEquals(List.of("comment", "message", "", "x", " two spaces", "1"), events.get(0).lines().stream().map(Line::value).toList());
        assertEquals("\nx\n two spaces", events.get(0).data());
        assertEquals("message", events.get(0).type());
    }

    @Test
    void theLastEventLineNamesTheTypeAndAnEventWithoutDataHasEmptyData() {
        Event event = events("event: a\nevent: b\nid: 7\n\n").get(0);
        assertEquals("b", event.type());
        assertEquals("", event.data());
        assertNull(events(": only a comment\n\n").get(0).type());
    }

    @Test
    void everyKindOfLineEndEndsALineAndABlankLineEndsAnEvent() {
        List<Event> events = events("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n");
        assertEquals(List.of("a", "b", "c", "d"), events.stream().map(Event::data).toList());
        assertEquals("data: a\r\n\r", text(events.get(0).raw()));
        assertEquals("\ndata: b\r\r", text(events.get(1).raw()));
        assertEquals(List.of(false, true, false, false), events.stream().map(Event::startsWithLfOfPrevious).toList(),
                "only the LF that completes the CRLF of a blank line belongs to the previous event");
    }

    @Test
    void theLfOfACrlfThatEndedAnEventIsMarkedWhenItArrivesInTheNextChunk() {
        SseSplitter stream = new SseSplitter(1 << 20);
        List<Event> first = stream.accept(bytes("data: a\r\n\r"));
        assertEquals(List.of("a"), first.stream().map(Event::data).toList(), "the CR of the blank line ends the event at once");
        assertTrue(stream.accept(bytes("\n")).isEmpty());
        Event rest = stream.finish().orElseThrow();
        assertEquals("\n", text(rest.raw()));
        assertTrue(rest.startsWithLfOfPrevious());
        assertTrue(rest.lines().isEmpty());
    }

    @Test
    void aCrlfEndingAnOrdinaryLineIsThatLinesEnd() {
        SseSplitter stream = new SseSplitter(1 << 20);
        assertTrue(stream.accept(bytes("data: a\r")).isEmpty());
        Event event = stream.accept(bytes("\n\r\n")).get(0);
        assertFalse(event.startsWithLfOfPrevious());
        assertEquals(new Line("data", "a", 0, 7, 9), event.lines().get(0));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstFieldButStaysInTheBytes() {
        SseSplitter stream = new SseSplitter(1 << 20);
        byte[] whole = bytes("\uFEFFdata: x\n\n");
        List<Event> events = new ArrayList<>();
        for (byte b : whole) {
            events.addAll(stream.accept(new byte[]{b}));
        }
        assertEquals(1, events.size());
        assertEquals("x", events.get(0).data());
        assertEquals(text(whole), text(events.get(0).raw()));
    }

    @Test
    void whatIsLeftAtTheEndIsTheLastEvent() {
        SseSplitter stream = new SseSplitter(1 << 20);
        assertEquals(1, stream.accept(bytes("data: a\n\ndata: b\nda")).size());
        Event last = stream.finish().orElseThrow();
        assertEquals("data: b\nda", text(last.raw()));
        assertEquals("b", last.data());
        assertEquals(Optional.empty(), stream.finish());
    }

    @Test
    void anUnfinishedEventPastTheLimitFailsTheStream() {
        SseSplitter stream = new SseSplitter(1 << 20);
        assertEquals(1, stream.accept(bytes("data: " + "x".repeat((1 << 20) - 100) + "\n\n")).size(), "an event under the limit is fine");
        InvalidInputException tooLarge = assertThrows(InvalidInputException.class, () -> stream.accept(bytes("data: " + "x".repeat(1 << 20))));
        assertEquals("an event-stream event larger than 1 MiB", tooLarge.getMessage());
    }
}
