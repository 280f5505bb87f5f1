package io.caracal.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@code GET /metrics} serves: the registry's Prometheus text, and each counter whose name ends in
 * {@code .created} once more under its literal name. The Prometheus client strips {@code _created} from every name
 * (OpenMetrics reserves it for creation times), so the runbook's {@code caracal_merkle_batches_created_total} would
 * otherwise only exist as {@code caracal_merkle_batches_total}; the text format served here (0.0.4) has no such
 * reservation, so the literal name is written beside the client's.
 */
public final class PrometheusText {
    private static final String CREATED = ".created";

    private PrometheusText() {
    }

    public static String scrape(PrometheusMeterRegistry registry) {
        StringBuilder text = new StringBuilder(registry.scrape());
        registry.getMeters().stream().filter(Counter.class::isInstance).map(Counter.class::cast)
                .filter(counter -> createdCounter(counter.getId()))
                .collect(Collectors.groupingBy(counter -> literalName(counter.getId())))
                .forEach((name, counters) -> {
                    text.append("# HELP ").append(name).append(' ').append(Objects.requireNonNullElse(counters.get(0).getId().getDescription(), "")).append('\n');
                    text.append("# TYPE ").append(name).append(" counter\n");
                    counters.forEach(counter -> text.append(name).append(labels(counter)).append(' ').append(counter.count()).append('\n'));
                });
        return text.toString();
    }

    /** Whether the client writes {@code id}'s counter without the {@code _created} of its name. */
    static boolean createdCounter(Meter.Id id) {
        return id.getName().endsWith(CREATED);
    }

    /** A counter's name as the seeds write it, {@code _created} kept. */
    static String literalName(Meter.Id id) {
        return id.getName().replace('.', '_') + "_total";
    }

    private static String labels(Counter counter) {
        if (counter.getId().getTags().isEmpty()) {
            return "";
        }
        return counter.getId().getTags().stream().map(PrometheusText::label).collect(Collectors.joining(",", "{", "}"));
    }

    private static String label(Tag tag) {
        return tag.getKey() + "=\"" + tag.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
