package io.caracal.metrics;

import io.caracal.core.pipeline.FunctionLauncher;

/** The metrics function as a container: consumes metering events and serves Prometheus metrics until stopped. */
public final class MetricsFunction {
    private MetricsFunction() {
    }

    public static void main(String[] args) throws InterruptedException {
        FunctionLauncher.runContainer("metrics", args);
    }
}
