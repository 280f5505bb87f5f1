package io.caracal.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.EmbeddedRedisServer;
import io.caracal.gateway.GatewayApplication;
import io.caracal.gateway.lambda.GatewayHttpApiHandler;
import io.micronaut.context.ApplicationContext;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The gateway Lambda's cold start without a Lambda runtime emulator: a fresh JVM, started as the Lambda Java runtime
 * starts it (Terraform's JAVA_TOOL_OPTIONS, configuration in environment variables), constructs
 * {@link GatewayHttpApiHandler} with its no-argument constructor and hands it one API Gateway HTTP API event: a
 * proxied, charged call. Timed in that JVM, from its own start (RuntimeMXBean), so class loading and the JIT are
 * counted; PostgreSQL, Redis and the upstream run in this, the parent, process, started before any timed JVM.
 * Prints one line per run and the median. The network and Lambda's own sandbox start are not in it.
 * Usage: LambdaColdStart [runs, default 5]
 */
public final class LambdaColdStart {
    /** What the Terraform gives every function (modules/lambda_function, java_tool_options). */
    private static final List<String> JAVA_TOOL_OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
    private static final String CHILD = "child";

    private LambdaColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(CHILD)) {
            firstEvent(args[1]);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary(); EmbeddedRedisServer redis = EmbeddedRedisServer.start()) {
            postgres.createDatabase("coldstart");
            HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            upstream.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", "0.0001");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            upstream.start();
            try {
                measure(runs, postgres, redis, upstream);
            } finally {
                upstream.stop(0);
            }
        }
    }

    private static void measure(int runs, EmbeddedPostgresServer postgres, EmbeddedRedisServer redis, HttpServer upstream) throws Exception {
        Map<String, String> environment = Map.of(
                "DB_HOST", postgres.host(), "DB_PORT", Integer.toString(postgres.port()), "DB_NAME", "coldstart",
                "DB_USER", EmbeddedPostgresServer.USER, "DB_PASSWORD", "", "DB_POOL_SIZE", "4",
                "REDIS_URL", redis.uri(), "METRICS_PORT", "0",
                "CARACAL_GATEWAY_UPSTREAMS_STUB_URL", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
        String key = prepare(postgres, redis);
        List<long[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            long[] timings = child(environment, key);
            results.add(timings);
            System.out.printf("run %d: JVM start to main %d ms, handler constructed %d ms, first event handled %d ms"
                    + " (JVM start to first response %d ms); second event %d ms%n", run, timings[0], timings[1], timings[2], timings[3], timings[4]);
        }
        System.out.printf("median of %d: JVM start to first response %d ms (handler constructed %d ms, first event %d ms, second event %d ms)%n",
                runs, median(results, 3), median(results, 1), median(results, 2), median(results, 4));
    }

    /** The schema, an agent with a budget, and its API key, made by a context of this process. */
    private static String prepare(EmbeddedPostgresServer postgres, EmbeddedRedisServer redis) {
        try (ApplicationContext context = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(Map.of(
                "datasources.default.url", postgres.jdbcUrl("coldstart"),
                "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "caracal.redis.url", redis.uri(),
                "caracal.metrics.port", -1)).start()) {
            context.getBean(SchemaMigrator.class).migrate();
            Agent agent = context.getBean(AgentStore.class).create(new AgentDraft("coldstart-agent", "", "bench", null, Map.of()));
            context.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal("1000000"), new CurrencyCode("USD")),
                    TimeWindow.MONTHLY, WindowType.CALENDAR, null), null, new PolicyChange("bench", "bench"));
            return context.getBean(ApiKeyStore.class).create(agent.id(), "bench").plaintext();
        }
    }

    private static long[] child(Map<String, String> environment, String key) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(JAVA_TOOL_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LambdaColdStart.class.getName(), CHILD, key));
        File log = File.createTempFile("lambda-coldstart", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("timings ")) {
                    result = line.substring("timings ".length());
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException("the timed JVM failed (exit " + process.exitValue() + "), see " + log);
        }
        log.delete();
        String[] parts = result.split(" ");
        long[] timings = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            timings[i] = Long.parseLong(parts[i]);
        }
        return timings;
    }

    /** In the timed JVM: the handler as the Lambda runtime makes it, then two events. */
    private static void firstEvent(String key) {
        long toMain = ManagementFactory.getRuntimeMXBean().getUptime();
        long start = System.nanoTime();
        GatewayHttpApiHandler handler = new GatewayHttpApiHandler();
        long constructed = System.nanoTime();
        APIGatewayV2HTTPResponse first = handler.handleRequest(event(key), null);
        long firstDone = System.nanoTime();
        long toFirstResponse = ManagementFactory.getRuntimeMXBean().getUptime();
        APIGatewayV2HTTPResponse second = handler.handleRequest(event(key), null);
        long secondDone = System.nanoTime();
        if (first.getStatusCode() != 200 || second.getStatusCode() != 200) {
            throw new IllegalStateException("the gateway answered " + first.getStatusCode() + " and " + second.getStatusCode() + ": " + first.getBody());
        }
        System.out.println("timings " + toMain + " " + (constructed - start) / 1_000_000 + " " + (firstDone - constructed) / 1_000_000 + " "
                + toFirstResponse + " " + (secondDone - firstDone) / 1_000_000);
        handler.close();
        System.exit(0);
    }

    /** A charged chat call on the HTTP API's default stage, as GatewayLambdaHandlersTest's sample event. */
    private static APIGatewayV2HTTPEvent event(String key) {
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey("$default").withRawPath("/stub/chat/completions").withRawQueryString("")
                .withHeaders(Map.of("content-type", "application/json", "x-api-key", key, "x-caracal-estimated-cost", "0.0001"))
                .withBody(Base64.getEncoder().encodeToString("{\"model\":\"gpt-4o\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withApiId("abc123").withStage("$default")
                        .withDomainName("abc123.execute-api.eu-west-1.amazonaws.com")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/stub/chat/completions").build())
                        .build())
                .build();
    }

    private static long median(List<long[]> results, int index) {
        long[] values = results.stream().mapToLong(r -> r[index]).sorted().toArray();
        return values[values.length / 2];
    }
}
