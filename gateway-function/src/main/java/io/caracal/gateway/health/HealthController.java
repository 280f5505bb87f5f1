package io.caracal.gateway.health;

import io.caracal.core.health.HealthReport;
import io.caracal.core.health.Readiness;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code /health} (liveness: the process answers) and {@code /ready} (ok, degraded or unhealthy, per dependency), in
 * the JSON {@link HealthReport} writes for every Caracal process. Degraded answers 200: the replica still serves.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
    private final Readiness readiness;

    public HealthController(Readiness readiness) {
        this.readiness = readiness;
    }

    @Get("/health")
    public HttpResponse<String> health() {
        return answer(readiness.liveness());
    }

    @Get("/ready")
    public HttpResponse<String> ready() {
        return answer(readiness.readiness());
    }

    private static HttpResponse<String> answer(HealthReport report) {
        return HttpResponse.<String>status(HttpStatus.valueOf(report.httpStatus())).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(report.json());
    }
}
