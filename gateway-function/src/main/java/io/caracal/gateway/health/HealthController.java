package io.caracal.gateway.health;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health} (liveness: the process answers) and {@code /ready} (every dependency answers). */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class HealthController {
    private final Readiness readiness;

    public HealthController(Readiness readiness) {
        this.readiness = readiness;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record CheckView(String status, long durationMs, String message) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ReportView(String status, Map<String, CheckView> checks, String version, long uptimeSeconds) {
        static ReportView of(Readiness.Report report) {
            Map<String, CheckView> checks = new LinkedHashMap<>();
            report.checks().forEach((name, c) -> checks.put(name, new CheckView(c.status(), c.durationMs(), c.message())));
            return new ReportView(report.status(), checks, report.version(), report.uptimeSeconds());
        }
    }

    @Get("/health")
    public ReportView health() {
        return ReportView.of(readiness.liveness());
    }

    @Get("/ready")
    public HttpResponse<ReportView> ready() {
        Readiness.Report report = readiness.readiness();
        return HttpResponse.status(report.ok() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(ReportView.of(report));
    }
}
