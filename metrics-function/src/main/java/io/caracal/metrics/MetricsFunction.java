package io.caracal.metrics;

import io.caracal.core.pipeline.Functions;

/** The metrics function as a container: consumes metering events and serves Prometheus metrics until stopped. */
public final class MetricsFunction {
    private MetricsFunction() {
    }

    public static void main(String[] args) throws InterruptedException {
        Functions.runContainer("metrics", args);
    }
}
