package io.caracal.cli.dev;

import io.caracal.cli.CliSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run the whole system locally: embedded PostgreSQL, Redis and Kafka, the gateway, the ledger, metrics and audit"
                + " consumers, a demo upstream and a"
                + " demo agent with a 1.00 USD daily budget. Prints a curl line to try; Ctrl-C stops it (the data stays in"
                + " $CARACAL_HOME/postgres).")
public final class DevCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--port", defaultValue = "8080", description = "Gateway port (default: ${DEFAULT-VALUE}).")
    int port;

    DevCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new io.caracal.core.error.InvalidInputException("port must be from 0 to 65535, got " + port);
        }
        PrintWriter out = session.out();
        out.println("Starting Caracal dev (PostgreSQL, Redis, Kafka, gateway, ledger, metrics and audit consumers)...");
        out.flush();
        DevStack stack = DevStack.start(session.home(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        out.println("Caracal dev is running:");
        out.println("  Gateway:    " + stack.gatewayUrl());
        out.println("  Metrics:    " + stack.metricsUrl());
        out.println("  PostgreSQL: " + stack.postgresAddress() + "/caracal (data in " + session.home().resolve("postgres") + ")");
        out.println("  Redis:      " + stack.redisAddress());
        out.println("  Kafka:      " + stack.kafkaAddress());
        out.println("  Demo agent: " + DevStack.DEMO_AGENT + " (" + stack.demoAgent().id() + "), " + DevStack.DEMO_BUDGET + " USD daily budget");
        out.println("  API key:    " + stack.apiKey());
        out.println();
        out.println("Try it (each call costs " + DemoUpstream.COST_PER_CALL + " USD of the demo budget):");
        out.println("  curl -i -X POST " + stack.gatewayUrl() + "/demo/v1/chat/completions -H 'X-API-Key: " + stack.apiKey() + "'"
                + " -H 'X-Caracal-Estimated-Cost: 0.02' -H 'Content-Type: application/json'"
                + " -d '{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'");
        out.println();
        out.println("In another terminal, caracal commands use this stack (" + session.home().resolve(CliSession.DEV_ENV) + "), e.g.");
        out.println("  ./caracal budget status --agent-id " + stack.demoAgent().id());
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
