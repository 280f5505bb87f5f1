package io.caracal.gateway.metrics;

import io.caracal.core.store.CacheStats;
import io.caracal.core.store.MeasuredCache;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /stats}: the gateway's counters and its in-process caches (size, hits, misses, hit rate: the runbook's
 * "check cache size") as JSON, for operators only: it needs
 * {@code Authorization: Bearer <STATS_TOKEN>} and does not exist while no token is configured.
 */
@Controller
public class StatsController {
    private final GatewayMetrics metrics;
    private final List<MeasuredCache> caches;
    private final String token;

    public StatsController(GatewayMetrics metrics, List<MeasuredCache> caches, @Value("${caracal.gateway.stats-token:}") String token) {
        this.metrics = metrics;
        this.caches = caches;
        this.token = token;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StatsView(long requestsTotal, long requestsAllowed, long requestsDenied, long authFailures, long replayBlocks,
                            Map<String, CacheView> caches) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record CacheView(long size, long hits, long misses, double hitRate) {
        static CacheView of(CacheStats stats) {
            return new CacheView(stats.size(), stats.hits(), stats.misses(), stats.hitRate());
        }
    }

    @Get("/stats")
    public HttpResponse<StatsView> stats(@Nullable @Header("Authorization") String authorization) {
        if (token.isEmpty()) {
            return HttpResponse.notFound();
        }
        String presented = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return HttpResponse.unauthorized();
        }
        GatewayMetrics.Stats s = metrics.stats();
        Map<String, CacheView> cached = new TreeMap<>();
        caches.forEach(cache -> cache.cacheStats().forEach((name, stats) -> cached.put(name, CacheView.of(stats))));
        return HttpResponse.ok(new StatsView(s.requestsTotal(), s.requestsAllowed(), s.requestsDenied(), s.authFailures(), s.replayBlocks(), cached));
    }
}
