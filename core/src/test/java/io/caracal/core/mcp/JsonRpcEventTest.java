package io.caracal.core.mcp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonRpcEventTest {
    @Test
    void onlyEventsOfNoTypeOrTypeMessageCarryAJsonRpcMessage() {
        String json = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}";
        String stream = "data: " + json + "\n\nevent: message\ndata: " + json + "\n\nevent:\ndata: " + json
                + "\n\nevent: endpoint\ndata: " + json + "\n\nevent: message\n\ndata: not json\n\n";
        List<Boolean> carries = JsonRpc.eventStream().accept(stream.getBytes(StandardCharsets.UTF_8)).stream()
                .map(event -> JsonRpc.messageIn(event).isPresent()).toList();
        assertEquals(List.of(true, true, true, false, false, false), carries);
    }
}
