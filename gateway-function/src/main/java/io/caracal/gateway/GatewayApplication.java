package io.caracal.gateway;

import io.caracal.core.pipeline.FunctionLauncher;
import io.micronaut.runtime.Micronaut;

/** The gateway as a container (Micronaut on Netty). */
public final class GatewayApplication {
    /** Its own settings (application-gateway.yml) and the connections every Caracal process shares (application-services.yml). */
    public static final String[] ENVIRONMENTS = {"gateway", "services"};

    private GatewayApplication() {
    }

    public static void main(String[] args) {
        // No banner: stdout holds the log lines, each one JSON object (caracal-logback.xml).
        Micronaut.build(args).mainClass(GatewayApplication.class).banner(false).environments(ENVIRONMENTS).propertySources(FunctionLauncher.secrets(System.getenv()))
                .start();
    }
}
