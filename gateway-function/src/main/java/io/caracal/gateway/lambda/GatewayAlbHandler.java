package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.alb.ApplicationLoadBalancerHandler;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.servlet.http.ServletExchange;
import io.micronaut.servlet.http.ServletHttpHandler;

import java.net.URI;

/**
 * The gateway as the Lambda target of an Application Load Balancer, with single- or multi-value headers (the
 * target group's setting). Its response carries the headers both ways; the load balancer reads the one its
 * setting names.
 */
public class GatewayAlbHandler extends GatewayFunction<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent>
        implements RequestHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> {

    public GatewayAlbHandler() {
    }

    public GatewayAlbHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    public ApplicationLoadBalancerResponseEvent handleRequest(ApplicationLoadBalancerRequestEvent event, Context context) {
        return handle(event, context);
    }

    @Override
    ApplicationLoadBalancerResponseEvent emptyResponse() {
        return new ApplicationLoadBalancerResponseEvent();
    }

    @Override
    ServletHttpHandler<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> exchanges(ApplicationContext context) {
        return new ApplicationLoadBalancerHandler(context) {
            @Override
            protected ServletExchange<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> createExchange(
                    ApplicationLoadBalancerRequestEvent event, ApplicationLoadBalancerResponseEvent response) {
                URI target = ClientTarget.alb(event);
                ServletExchange<ApplicationLoadBalancerRequestEvent, ApplicationLoadBalancerResponseEvent> exchange = super.createExchange(event, response);
                ((MutableHttpRequest<?>) exchange.getRequest()).uri(target);
                return exchange;
            }
        };
    }
}
