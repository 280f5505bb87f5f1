package io.caracal.core.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import jakarta.inject.Singleton;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda shape's metrics: at the end of each invocation, Caracal's meters written to stdout (the function's log
 * stream) as CloudWatch Embedded Metric Format documents, which CloudWatch turns into metrics of namespace
 * {@value #NAMESPACE}. A Lambda has no port to scrape, so the same meters that {@code GET /metrics} serves in a
 * container are published this way, under the same names: counters as {@code caracal_requests_total} and the like,
 * timers and summaries as their {@code _count} and {@code _sum}, gauges as they are.
 *
 * <p>Counters, timers and summaries are cumulative in the registry; a document carries what changed since the
 * previous invocation's, so CloudWatch's Sum over a period is the count of that period. Series that did not change
 * are left out (an invocation writes what it did), gauges are written every time.
 *
 * <p>Dimensions are {@code function} and the meters' low-cardinality tags ({@link #DIMENSIONS}); any other tag, the
 * metrics function's {@code agent_id} above all, is summed away, since each dimension value is a CloudWatch metric
 * of its own. That bounds a dimension set at 1 + 12 keys, under EMF's 30; one document holds the metrics of one set
 * of dimension values, at most {@value #MAX_METRICS} of them, EMF's limit per document.
 *
 * <p>One per context, so the handlers a context serves (in tests, several) share what was published.
 */
@Singleton
public final class EmfPublisher {
    public static final String NAMESPACE = "Caracal";
    static final int MAX_METRICS = 100;
    static final Set<String> DIMENSIONS = Set.of("method", "status", "status_code", "decision", "currency", "consumer_group", "topic",
            "partition", "reason", "kind", "outcome", "state");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NamingConvention PROMETHEUS = new PrometheusNamingConvention();

    private final MeterRegistry registry;
    private final Clock clock;
    /** Each cumulative series' value at the previous publish, by name and labels. */
    private final Map<String, Double> published = new HashMap<>();

    public EmfPublisher(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Writes this invocation's documents to stdout, one line each (Lambda sends each line to CloudWatch Logs), under
     * dimension {@code function}.
     */
    public synchronized void publish(String function) {
        PrintStream out = System.out;
        documents(function).forEach(out::println);
        out.flush();
    }

    /** The documents of what changed since the previous call, as JSON lines. */
    private List<String> documents(String function) {
        Map<Map<String, String>, Map<String, Series>> byDimensions = new LinkedHashMap<>();
        for (Meter meter : registry.getMeters()) {
            if (!published(meter.getId().getName())) {
                continue;
            }
            Map<String, String> dimensions = dimensions(function, meter.getId());
            Map<String, Series> metrics = byDimensions.computeIfAbsent(dimensions, d -> new TreeMap<>());
            for (Series series : series(meter)) {
                metrics.merge(series.name, series, Series::plus);
            }
        }
        long timestamp = clock.millis();
        List<String> documents = new ArrayList<>();
        byDimensions.forEach((dimensions, metrics) -> {
            List<Series> changed = metrics.values().stream().map(series -> sinceLastPublish(dimensions, series)).filter(Objects::nonNull).toList();
            for (int from = 0; from < changed.size(); from += MAX_METRICS) {
                documents.add(document(timestamp, dimensions, changed.subList(from, Math.min(changed.size(), from + MAX_METRICS))));
            }
        });
        return documents;
    }

    /** Caracal's own meters; the JVM, pool and Kafka-client binders' are Lambda's own metrics' business there. */
    private static boolean published(String name) {
        return name.startsWith("caracal.") || name.equals("kafka.consumer.lag");
    }

    private static Map<String, String> dimensions(String function, Meter.Id id) {
        Map<String, String> dimensions = new TreeMap<>();
        dimensions.put("function", function);
        for (Tag tag : id.getTagsAsIterable()) {
            if (DIMENSIONS.contains(tag.getKey())) {
                dimensions.put(tag.getKey(), tag.getValue());
            }
        }
        return dimensions;
    }

    private static List<Series> series(Meter meter) {
        Meter.Id id = meter.getId();
        String name = PROMETHEUS.name(id.getName(), id.getType(), id.getBaseUnit());
        // The Prometheus client adds a counter's _total when it writes /metrics, not in the convention's name, and
        // drops _created, which /metrics keeps (PrometheusText): the seeds' name is the one published.
        String total = PrometheusText.createdCounter(id) ? PrometheusText.literalName(id) : name.endsWith("_total") ? name : name + "_total";
        return meter.match(
                gauge -> List.of(new Series(name, unit(id.getBaseUnit()), false, gauge.value())),
                counter -> List.of(new Series(total, "Count", true, counter.count())),
                timer -> List.of(new Series(name + "_count", "Count", true, timer.count()),
                        new Series(name + "_sum", "Seconds", true, timer.totalTime(TimeUnit.SECONDS))),
                summary -> List.of(new Series(name + "_count", "Count", true, summary.count()),
                        new Series(name + "_sum", unit(id.getBaseUnit()), true, summary.totalAmount())),
                longTaskTimer -> List.of(),
                timeGauge -> List.of(new Series(name, "Seconds", false, timeGauge.value(TimeUnit.SECONDS))),
                functionCounter -> List.of(new Series(total, "Count", true, functionCounter.count())),
                functionTimer -> List.of(new Series(name + "_count", "Count", true, functionTimer.count()),
                        new Series(name + "_sum", "Seconds", true, functionTimer.totalTime(TimeUnit.SECONDS))),
                other -> List.of());
    }

    private static String unit(String baseUnit) {
        if (baseUnit == null) {
            return "None";
        }
        return switch (baseUnit) {
            case "seconds" -> "Seconds";
            case "bytes" -> "Bytes";
            default -> "None";
        };
    }

    /** What a cumulative series gained since the last publish, null when nothing; a gauge as it is (null when NaN). */
    private Series sinceLastPublish(Map<String, String> dimensions, Series series) {
        if (Double.isNaN(series.value)) {
            return null;
        }
        if (!series.cumulative) {
            return series;
        }
        Map<String, String> labels = new TreeMap<>(dimensions);
        labels.remove("function"); // the same meter, whichever handler of the context publishes it
        Double before = published.put(series.name + labels, series.value);
        double delta = series.value - (before == null ? 0 : before);
        return delta == 0 ? null : new Series(series.name, series.unit, true, delta);
    }

    private static String document(long timestamp, Map<String, String> dimensions, List<Series> metrics) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", timestamp);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode keys = directive.putArray("Dimensions").addArray();
        dimensions.keySet().forEach(keys::add);
        ArrayNode definitions = directive.putArray("Metrics");
        dimensions.forEach(root::put);
        for (Series series : metrics) {
            definitions.addObject().put("Name", series.name).put("Unit", series.unit);
            root.put(series.name, series.value);
        }
        return root.toString();
    }

    /** One value of a meter under its Prometheus name; cumulative for counters and the counts and sums of timers. */
    private record Series(String name, String unit, boolean cumulative, double value) {
        Series plus(Series other) {
            return new Series(name, unit, cumulative, value + other.value);
        }
    }
}
