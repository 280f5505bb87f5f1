package io.caracal.core.pipeline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.caracal.core.metrics.EmfPublisher;
import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A consumer function as an AWS Lambda triggered by an MSK event source mapping with ReportBatchItemFailures:
 * the same processor as the container listener, one application context per Lambda container. Each invocation ends
 * with its metrics written as CloudWatch Embedded Metric Format, under dimension {@code function}.
 */
public abstract class MskLambdaHandler implements RequestStreamHandler, AutoCloseable {
    private final ApplicationContext context;
    private final BatchRunner runner;
    private final String function;
    private final EmfPublisher metrics;

    protected MskLambdaHandler(ApplicationContext context, String function, Function<ApplicationContext, EventProcessor> processor) {
        this.context = context;
        this.runner = FunctionLauncher.runner(context, processor.apply(context));
        this.function = function;
        this.metrics = context.getBean(EmfPublisher.class);
    }

    /** The context the Lambda runtime gets: configuration from the function's environment variables. */
    protected static ApplicationContext lambdaContext() {
        return FunctionLauncher.context("services", FunctionLauncher.LAMBDA).start();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        try {
            output.write(MskBatch.handle(input.readAllBytes(), runner));
        } finally {
            metrics.publish(function);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
