package io.caracal.bench;

import com.sun.net.httpserver.HttpServer;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.FreePorts;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Start-up time and resident memory of each function's runnable jar (bench/run-startup-bench.sh, issue 17): for each
 * run, a fresh database on the PostgreSQL given (migrated before, as the setup Job does), a fresh embedded Kafka
 * broker with the topics, the Redis given, and a stub upstream in this JVM. The gateway jar starts first: time from
 * exec to /ready answering 200, VmRSS then, {@code calls} charged calls through it (8 at a time), VmRSS after. Then
 * the ledger, metrics and audit jars, one at a time: time to their /ready, VmRSS then, and VmRSS once their consumer
 * groups have caught up with the events the gateway's calls produced. Each jar runs with {@code java <JAVA_OPTS> -jar}.
 * Each run starts with the floor: {@link ReadyFloor}, a JVM with the same options answering /ready and nothing else.
 * Then SIGTERM, and SIGKILL if it has not ended {@link #STOP_LIMIT} later. Prints one line per measurement and a
 * markdown table of the medians.
 * Usage: StartupBenchmark <runs> <calls> <db host> <db port> <db user> <redis url> <java options> <gateway jar> <ledger jar> <metrics jar> <audit jar>
 */
public final class StartupBenchmark {
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    /** A function still running this long after SIGTERM is killed, and the table says how often that happened. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final String FLOOR = "floor (JVM + JDK HTTP server)";
    private static final List<String> FUNCTIONS = List.of("gateway", "ledger", "metrics", "audit");
    private static final Map<String, String> GROUPS = Map.of("ledger", "ledger-writer-group", "metrics", "metrics-aggregator-group",
            "audit", "audit-logger-group");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private StartupBenchmark() {
    }

    private record Sample(long readyMillis, long rssReadyKb, long rssAfterKb, boolean stopped) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 11) {
            throw new IllegalArgumentException("usage: StartupBenchmark <runs> <calls> <db host> <db port> <db user> <redis url> <java options>"
                    + " <gateway jar> <ledger jar> <metrics jar> <audit jar>");
        }
        int runs = Integer.parseInt(args[0]);
        int calls = Integer.parseInt(args[1]);
        String dbHost = args[2];
        String dbPort = args[3];
        String dbUser = args[4];
        String redis = args[5];
        List<String> javaOptions = args[6].isBlank() ? List.of() : List.of(args[6].trim().split("\\s+"));
        Map<String, List<String>> launches = new LinkedHashMap<>();
        launches.put(FLOOR, List.of("-cp", System.getProperty("java.class.path"), ReadyFloor.class.getName()));
        for (int i = 0; i < FUNCTIONS.size(); i++) {
            launches.put(FUNCTIONS.get(i), List.of("-jar", args[7 + i]));
        }
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        launches.keySet().forEach(function -> samples.put(function, new ArrayList<>()));
        HttpServer stub = stub();
        try {
            for (int run = 1; run <= runs; run++) {
                String database = "caracal_startup_bench_" + run;
                String jdbc = "jdbc:postgresql://" + dbHost + ":" + dbPort + "/";
                try (Connection c = DriverManager.getConnection(jdbc + "postgres", dbUser, ""); Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                    s.execute("CREATE DATABASE " + database);
                }
                try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
                    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                        KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(1));
                    }
                    Map<String, String> environment = new HashMap<>(Map.of("DB_HOST", dbHost, "DB_PORT", dbPort, "DB_NAME", database,
                            "DB_USER", dbUser, "DB_PASSWORD", "", "REDIS_URL", redis, "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
                    String key = seed(jdbc + database, dbUser);
                    environment.put("CARACAL_GATEWAY_UPSTREAMS_STUB_URL", "http://127.0.0.1:" + stub.getAddress().getPort() + "/v1");
                    for (String function : launches.keySet()) {
                        Sample sample = measure(function, launches.get(function), javaOptions, environment, calls, key);
                        samples.get(function).add(sample);
                        System.out.printf("run %d %-8.8s ready %6d ms  VmRSS at ready %7d kB  after traffic %7d kB  %s  (load %s)%n", run, function,
                                sample.readyMillis(), sample.rssReadyKb(), sample.rssAfterKb(), sample.stopped() ? "stopped on SIGTERM"
                                        : "NOT STOPPED " + STOP_LIMIT.toSeconds() + " s after SIGTERM: killed", load());
                    }
                }
            }
        } finally {
            stub.stop(0);
        }
        System.out.println();
        System.out.println("| function | exec to /ready, median (min–max) | VmRSS at ready, median | VmRSS after traffic, median"
                + " | runs stopped by SIGTERM within " + STOP_LIMIT.toSeconds() + " s |");
        System.out.println("|---|---|---|---|---|");
        samples.forEach((function, list) -> System.out.printf("| %s | %d ms (%d–%d) | %d MB | %d MB | %d of %d |%n", function,
                median(list.stream().map(Sample::readyMillis).toList()),
                list.stream().mapToLong(Sample::readyMillis).min().orElse(0), list.stream().mapToLong(Sample::readyMillis).max().orElse(0),
                median(list.stream().map(Sample::rssReadyKb).toList()) / 1024, median(list.stream().map(Sample::rssAfterKb).toList()) / 1024,
                list.stream().filter(Sample::stopped).count(), list.size()));
        System.exit(0); // the embedded broker's and the HTTP client's threads would keep the JVM up
    }

    /** The schema, and one agent with a budget that cannot run out and an API key, which is returned. */
    private static String seed(String jdbcUrl, String user) {
        try (ApplicationContext context = ApplicationContext.builder().environments("services").properties(Map.of(
                "datasources.default.url", jdbcUrl, "datasources.default.username", user, "datasources.default.password", "",
                "micronaut.metrics.enabled", false)).start()) {
            context.getBean(SchemaMigrator.class).migrate();
            Agent agent = context.getBean(AgentStore.class).create(new AgentDraft("startup-bench", "", "bench", null, Map.of()));
            context.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal("1000000000"),
                    new CurrencyCode("USD")), TimeWindow.MONTHLY, WindowType.CALENDAR, null), null, new PolicyChange("bench", "bench"));
            return context.getBean(ApiKeyStore.class).create(agent.id(), "bench").plaintext();
        }
    }

    private static Sample measure(String function, List<String> launch, List<String> javaOptions, Map<String, String> connections, int calls,
                                  String key)
            throws Exception {
        int port = FreePorts.next();
        Map<String, String> environment = new HashMap<>(connections);
        environment.put("METRICS_PORT", Integer.toString(FreePorts.next()));
        environment.put("METRICS_HOST", "127.0.0.1");
        if (function.equals("gateway")) {
            environment.put("GATEWAY_PORT", Integer.toString(port));
            environment.put("TLS_ENABLED", "false");
        } else {
            environment.put("HEALTH_PORT", Integer.toString(port));
            environment.put("HEALTH_HOST", "127.0.0.1");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(javaOptions);
        command.addAll(launch);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("startup-" + function.split(" ")[0], ".log").toFile());
        builder.environment().putAll(environment);
        URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
        long started = System.nanoTime();
        Process process = builder.start();
        long readyMillis;
        long rssReady;
        long rssAfter;
        try {
            while (status(ready) != 200) {
                if (!process.isAlive() || System.nanoTime() - started > START_LIMIT.toNanos()) {
                    throw new IllegalStateException(function + " not ready (exit " + (process.isAlive() ? "none" : process.exitValue())
                            + "), see " + builder.redirectOutput().file());
                }
                Thread.sleep(10);
            }
            readyMillis = (System.nanoTime() - started) / 1_000_000;
            rssReady = rss(process.pid());
            if (function.equals("gateway")) {
                traffic(URI.create("http://127.0.0.1:" + port + "/stub/chat/completions"), calls, key);
                awaitPublished(connections.get("KAFKA_BOOTSTRAP_SERVERS"), calls);
            } else if (GROUPS.containsKey(function)) {
                awaitCaughtUp(connections.get("KAFKA_BOOTSTRAP_SERVERS"), GROUPS.get(function), process);
            }
            rssAfter = rss(process.pid());
        } catch (Exception | Error e) {
            process.destroyForcibly().waitFor();
            throw e;
        }
        process.destroy();
        boolean stopped = process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!stopped) {
            process.destroyForcibly().waitFor();
        }
        return new Sample(readyMillis, rssReady, rssAfter, stopped);
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code calls} charged calls, 8 at a time; every one must be a 200. */
    private static void traffic(URI proxy, int calls, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(proxy).header("X-API-Key", key).header("X-Caracal-Estimated-Cost", "0.0001")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                .build();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < calls) {
                        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("the gateway answered " + response.statusCode() + ": " + response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Until the gateway's outbox relay has put {@code calls} metering events on the topic. */
    private static void awaitPublished(String bootstrap, int calls) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            TopicPartition metering = new TopicPartition(Topics.METERING, 0);
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            while (admin.listOffsets(Map.of(metering, OffsetSpec.latest())).all().get().get(metering).offset() < calls) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the gateway did not publish " + calls + " metering events");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Until every consumer group of the function (the audit function's: one per topic) has committed the end of every partition. */
    private static void awaitCaughtUp(String bootstrap, String groupPrefix, Process process) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + START_LIMIT.toNanos();
            while (!caughtUp(admin, groupPrefix)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException(groupPrefix + " did not catch up");
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean caughtUp(Admin admin, String groupPrefix) throws Exception {
        List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                .filter(group -> group.startsWith(groupPrefix)).toList();
        if (groups.isEmpty()) {
            return false;
        }
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            TopicPartition metering = new TopicPartition(Topics.METERING, 0);
            if (groupPrefix.startsWith("audit") && !committed.containsKey(metering)) {
                continue; // the audit function's group of another topic
            }
            long end = admin.listOffsets(Map.of(metering, OffsetSpec.latest())).all().get().get(metering).offset();
            OffsetAndMetadata position = committed.get(metering);
            if (position == null || position.offset() < end) {
                return false;
            }
        }
        return true;
    }

    /** VmRSS of {@code pid} in kB, from /proc. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static String load() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The upstream: 200 and a small JSON answer to anything. */
    private static HttpServer stub() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"id\":\"stub\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }
}
