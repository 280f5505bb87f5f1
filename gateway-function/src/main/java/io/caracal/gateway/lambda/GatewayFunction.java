package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.caracal.core.metrics.EmfPublisher;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.gateway.GatewayApplication;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.function.aws.HandlerUtils;
import io.micronaut.function.executor.FunctionInitializer;
import io.micronaut.servlet.http.ServletHttpHandler;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The gateway as an AWS Lambda: micronaut-function-aws turns each HTTP event into a request for the same controllers
 * as the container's (the proxy, /health, /ready, /receipts, /stats) and their answer into the event's response.
 * The answer is buffered, because Java Lambda cannot stream (streamed LLM responses need the container gateway).
 * One subclass per event shape, as Lambda hands a handler events of one type. Each invocation ends with its metrics
 * written as CloudWatch Embedded Metric Format, under dimension {@code function} = {@value #FUNCTION}.
 *
 * @param <E> the event type
 * @param <R> its response type
 */
abstract class GatewayFunction<E, R> extends FunctionInitializer {
    /** The container's environments, and Lambda's, in which the outbox relay has no thread (it has a schedule). */
    static final String[] ENVIRONMENTS = Stream.concat(Arrays.stream(GatewayApplication.ENVIRONMENTS), Stream.of(FunctionLauncher.LAMBDA))
            .toArray(String[]::new);

    static final String FUNCTION = "gateway";

    private final ServletHttpHandler<E, R> http;
    private final EmfPublisher metrics;

    /** Called by the Lambda runtime once per environment: configuration comes from the environment variables. */
    GatewayFunction() {
        this.http = exchanges(applicationContext);
        this.metrics = applicationContext.getBean(EmfPublisher.class);
    }

    GatewayFunction(ApplicationContext context) {
        super(context);
        startThis(context);
        this.http = exchanges(context);
        this.metrics = context.getBean(EmfPublisher.class);
    }

    /** The library's handler of this event shape, giving each request the target the client sent. */
    abstract ServletHttpHandler<E, R> exchanges(ApplicationContext context);

    /** An empty response of this event shape, for the handler to fill. */
    abstract R emptyResponse();

    final R handle(E event, Context lambdaContext) {
        HandlerUtils.configureWithContext(this, lambdaContext);
        try {
            return http.exchange(event, emptyResponse()).getResponse().getNativeResponse();
        } finally {
            metrics.publish(FUNCTION);
        }
    }

    /**
     * Beans are made when first needed, as in the container. The library's builder would make every singleton at
     * start (for a SnapStart snapshot, which the gateway does not use), also those of libraries on the classpath
     * that the gateway never uses, some of which fail without their configuration. No TLS of its own: API Gateway
     * or the ALB terminates it, and the container's default (HTTPS, refusing to start without a certificate) would
     * stop the function from starting.
     */
    @Override
    protected ApplicationContextBuilder newApplicationContextBuilder() {
        return FunctionLauncher.context(ENVIRONMENTS).properties(Map.of("micronaut.server.ssl.enabled", false));
    }
}
