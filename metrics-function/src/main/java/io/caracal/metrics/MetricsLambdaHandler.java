package io.caracal.metrics;

import io.caracal.core.pipeline.MskLambdaHandler;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.spend.SpendAggregates;
import io.micronaut.context.ApplicationContext;

/** The metrics function as an AWS Lambda on an MSK event source mapping (topic caracal.metering.events). */
public class MetricsLambdaHandler extends MskLambdaHandler {

    public MetricsLambdaHandler() {
        this(lambdaContext());
    }

    public MetricsLambdaHandler(ApplicationContext context) {
        super(context, "metrics", c -> new SpendAggregator(c.getBean(SpendAggregates.class), c.getBean(SpendMetrics.class)::counted));
    }
}
