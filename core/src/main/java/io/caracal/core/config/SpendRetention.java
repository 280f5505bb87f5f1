package io.caracal.core.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * How long the metrics function keeps the Redis spend buckets ({@code caracal.consumers.metrics-aggregator.*},
 * SPEND_DAY_RETENTION and SPEND_HOUR_RETENTION): the metrics function writes with it, and a snapshot restore
 * re-aggregates the ledger events of the same days.
 */
@ConfigurationProperties("caracal.consumers.metrics-aggregator")
public class SpendRetention {
    private Duration dayRetention = Duration.ofDays(400);
    private Duration hourRetention = Duration.ofDays(8);

    public Duration getDayRetention() {
        return dayRetention;
    }

    public void setDayRetention(Duration dayRetention) {
        this.dayRetention = dayRetention;
    }

    public Duration getHourRetention() {
        return hourRetention;
    }

    public void setHourRetention(Duration hourRetention) {
        this.hourRetention = hourRetention;
    }
}
