package io.caracal.gateway.proxy;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The ids every log line about a request carries: {@code request_id}, and {@code agent_id} once the agent is
 * authenticated, in the MDC (fields of the JSON log lines). A request runs on several threads in turn — its blocking
 * thread, the settling pool, Netty's event loop while a stream passes — and each serves other requests in between:
 * the ids are put on the request's own thread as they become known, taken ({@link #current}) to the steps that run
 * elsewhere, set around each of those steps and removed after it, so no thread logs one request's ids for another.
 */
final class RequestLogContext {
    static final String REQUEST_ID = "request_id";
    static final String AGENT_ID = "agent_id";

    private final Map<String, String> ids;

    private RequestLogContext(Map<String, String> ids) {
        this.ids = ids;
    }

    static void request(String requestId) {
        MDC.put(REQUEST_ID, requestId);
    }

    static void agent(String agentId) {
        MDC.put(AGENT_ID, agentId);
    }

    /** Removes the ids from this thread, which goes on to serve another request. */
    static void clear() {
        MDC.remove(REQUEST_ID);
        MDC.remove(AGENT_ID);
    }

    /** The ids this thread logs with now. */
    static RequestLogContext current() {
        Map<String, String> ids = MDC.getCopyOfContextMap();
        return new RequestLogContext(ids == null ? Map.of() : ids);
    }

    /** {@code executor}, whose tasks log with these ids. */
    Executor on(Executor executor) {
        return task -> executor.execute(() -> run(task));
    }

    /** {@code step}, logging with these ids wherever it runs. */
    <T, R> Function<T, R> around(Function<T, R> step) {
        return value -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            MDC.setContextMap(ids);
            try {
                return step.apply(value);
            } finally {
                restore(before);
            }
        };
    }

    private void run(Runnable task) {
        around(ignored -> {
            task.run();
            return null;
        }).apply(null);
    }

    private static void restore(Map<String, String> before) {
        if (before == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(before);
        }
    }
}
