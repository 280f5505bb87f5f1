package io.caracal.core.health;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What {@code /health} and {@code /ready} answer, in the shape of the Craton deployment guide:
 * <pre>{"status": "ok", "checks": {"database": {"status": "ok", "duration_ms": 1}}, "version": "0.1.0", "uptime_seconds": 3600}</pre>
 * A check that is not ok says why in {@code message}. Liveness has no {@code checks}. Written here once, so the
 * gateway's Netty server and the consumers' health port answer the same bytes.
 *
 * @param checks by name, in the order they were declared; empty for liveness
 */
public record HealthReport(HealthStatus status, Map<String, Check> checks, String version, long uptimeSeconds) {
    private static final JsonFactory JSON = new JsonFactory();

    /** One dependency's outcome; {@code message} is null when it is ok. */
    public record Check(HealthStatus status, long durationMs, String message) {
    }

    /** 503 only when the process cannot serve: a degraded process stays behind its load balancer. */
    public int httpStatus() {
        return status == HealthStatus.UNHEALTHY ? 503 : 200;
    }

    public String json() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", status.word());
            if (!checks.isEmpty()) {
                json.writeObjectFieldStart("checks");
                for (Map.Entry<String, Check> entry : checks.entrySet()) {
                    Check check = entry.getValue();
                    json.writeObjectFieldStart(entry.getKey());
                    json.writeStringField("status", check.status().word());
                    json.writeNumberField("duration_ms", check.durationMs());
                    if (check.message() != null) {
                        json.writeStringField("message", check.message());
                    }
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
            json.writeStringField("version", version);
            json.writeNumberField("uptime_seconds", uptimeSeconds);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
