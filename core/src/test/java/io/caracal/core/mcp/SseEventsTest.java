package io.caracal.core.mcp;

import io.caracal.core.mcp.SseEvents.Event;
import io.caracal.core.mcp.SseEvents.Line;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseEventsTest {
    private static List<Event> events(String stream) {
        return new SseEvents().accept(stream.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsFieldsAsTheEventStreamParserDoes() {
        List<Event> events = events(": comment\nevent:message\ndata\ndata:x\ndata:  two spaces\nid: 1\n\n");
        assertEquals(1, events.size());
        assertEquals(List.of("", "event", "data", "data", "data", "id"), events.get(0).lines().stream().map(Line::field).toList());
        assertEquals(List.of("comment", "message", "", "x", " two spaces", "1"), events.get(0).lines().stream().map(Line::value).toList());
        assertEquals("\nx\n two spaces", events.get(0).data());
    }

    @Test
    void everyKindOfLineEndEndsALineAndABlankLineEndsAnEvent() {
        List<Event> events = events("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n");
        assertEquals(List.of("a", "b", "c", "d"), events.stream().map(Event::data).toList());
        assertEquals("data: a\r\n\r", new String(events.get(0).raw(), StandardCharsets.UTF_8));
        assertEquals("\ndata: b\r\r", new String(events.get(1).raw(), StandardCharsets.UTF_8));
    }

    @Test
    void onlyEventsOfNoTypeOrTypeMessageCarryAJsonRpcMessage() {
        String json = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}";
        List<Event> events = events("data: " + json + "\n\nevent: message\ndata: " + json + "\n\nevent:\ndata: " + json
                + "\n\nevent: endpoint\ndata: " + json + "\n\nevent: message\n\ndata: not json\n\n");
        assertEquals(List.of(true, true, true, false, false, false), events.stream().map(e -> e.message().isPresent()).toList());
    }

    @Test
    void whatIsLeftAtTheEndIsTheLastEvent() {
        SseEvents stream = new SseEvents();
        assertTrue(stream.accept("data: a\n\ndata: b\nda".getBytes(StandardCharsets.UTF_8)).size() == 1);
        Event last = stream.finish().orElseThrow();
        assertEquals("data: b\nda", new String(last.raw(), StandardCharsets.UTF_8));
        assertEquals("b", last.data());
        assertEquals(Optional.empty(), stream.finish());
    }
}
