package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.gateway.GatewayApplication;
import io.caracal.gateway.proxy.Proxy;
import io.micronaut.context.ApplicationContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The gateway as an AWS Lambda behind API Gateway (HTTP API, payload 2.0) or an Application Load Balancer.
 * The same pipeline as the container; the response is buffered, because Java Lambda cannot stream (use the
 * container gateway, or the Lambda Web Adapter with a streaming Function URL, for streamed LLM responses).
 */
public class GatewayLambdaHandler implements RequestStreamHandler, AutoCloseable {
    /** The container's environments, and Lambda's, in which the outbox relay has no thread (it has a schedule). */
    public static final String[] ENVIRONMENTS = Stream.concat(Arrays.stream(GatewayApplication.ENVIRONMENTS), Stream.of(FunctionLauncher.LAMBDA))
            .toArray(String[]::new);

    private final ApplicationContext context;
    private final Proxy proxy;

    /** Called by the Lambda runtime once per container: configuration comes from the environment. */
    public GatewayLambdaHandler() {
        this(ApplicationContext.builder().environments(ENVIRONMENTS).start());
    }

    public GatewayLambdaHandler(ApplicationContext context) {
        this.context = context;
        this.proxy = context.getBean(Proxy.class);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context lambdaContext) throws IOException {
        byte[] event = input.readAllBytes();
        LambdaEvents.Parsed parsed;
        try {
            parsed = LambdaEvents.parse(event);
        } catch (IOException | IllegalArgumentException e) {
            output.write(LambdaEvents.malformed());
            return;
        }
        output.write(LambdaEvents.response(parsed, proxy.handle(parsed.request())));
    }

    @Override
    public void close() {
        context.close();
    }
}
