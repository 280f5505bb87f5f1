package io.caracal.gateway.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A request's ids follow it to the threads that go on with it, and stay with no thread after its step. */
class RequestLogContextTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        MDC.clear();
    }

    private Map<String, String> seenOnThePool() {
        return CompletableFuture.supplyAsync(() -> MDC.getCopyOfContextMap() == null ? Map.<String, String>of() : MDC.getCopyOfContextMap(), pool).join();
    }

    @Test
    void aTaskOnAnotherThreadLogsWithTheIdsOfWhenItWasMadeAndTheThreadKeepsNone() {
        RequestLogContext.request("req-1");
        RequestLogContext.agent("agent-1");
        RequestLogContext ids = RequestLogContext.current();
        RequestLogContext.clear();
        assertNull(MDC.get(RequestLogContext.REQUEST_ID), "cleared on the request's own thread");

        Map<String, String> during = CompletableFuture.supplyAsync(MDC::getCopyOfContextMap, ids.on(pool)).join();
        assertEquals(Map.of("request_id", "req-1", "agent_id", "agent-1"), during);
        assertEquals(Map.of(), seenOnThePool(), "the pool's thread serves the next request without them");
    }

    @Test
    void aStepRunsWithItsRequestsIdsAndGivesTheThreadBackAsItWas() {
        RequestLogContext.request("req-2");
        RequestLogContext ids = RequestLogContext.current();
        RequestLogContext.request("req-3");
        RequestLogContext.agent("agent-3");

        assertEquals("req-2 null", ids.around(ignored -> MDC.get("request_id") + " " + MDC.get("agent_id")).apply(null));
        assertEquals("req-3", MDC.get("request_id"), "the thread's own request again");
        assertEquals("agent-3", MDC.get("agent_id"));
    }
}
