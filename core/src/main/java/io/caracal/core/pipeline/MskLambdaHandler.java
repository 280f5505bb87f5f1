package io.caracal.core.pipeline;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * A consumer function as an AWS Lambda triggered by an MSK event source mapping with ReportBatchItemFailures:
 * the same processor as the container listener, one application context per Lambda container.
 */
public abstract class MskLambdaHandler implements RequestStreamHandler, AutoCloseable {
    private final ApplicationContext context;
    private final BatchRunner runner;

    protected MskLambdaHandler(ApplicationContext context, Function<ApplicationContext, EventProcessor> processor) {
        this.context = context;
        this.runner = FunctionLauncher.runner(context, processor.apply(context));
    }

    /** The context the Lambda runtime gets: configuration from the function's environment variables. */
    protected static ApplicationContext lambdaContext() {
        return FunctionLauncher.context("services", FunctionLauncher.LAMBDA).start();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        output.write(MskBatch.handle(input.readAllBytes(), runner));
    }

    @Override
    public void close() {
        context.close();
    }
}
