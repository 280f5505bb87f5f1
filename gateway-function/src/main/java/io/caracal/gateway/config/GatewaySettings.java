package io.caracal.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code caracal.gateway.*}: limits of the proxy itself. */
@ConfigurationProperties("caracal.gateway")
public class GatewaySettings {
    /** How long the gateway waits for an upstream before voiding the hold and answering 504. */
    private Duration requestTimeout = Duration.ofSeconds(30);
    /** How long a hold lives; longer than the request timeout, so a slow call never outlives its hold. */
    private Duration holdTtl = Duration.ofSeconds(300);

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getHoldTtl() {
        return holdTtl;
    }

    public void setHoldTtl(Duration holdTtl) {
        this.holdTtl = holdTtl;
    }
}
