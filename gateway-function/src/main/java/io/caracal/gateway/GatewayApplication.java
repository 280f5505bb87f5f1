package io.caracal.gateway;

import io.micronaut.runtime.Micronaut;

/** The gateway as a container (Micronaut on Netty). */
public final class GatewayApplication {
    private GatewayApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(GatewayApplication.class, args);
    }
}
