package io.caracal.testing;

import io.caracal.embedded.SharedServices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A consumer function (ledger, metrics, audit) in a process of its own, started as a first deployment starts its
 * container: on an empty database with {@code MIGRATE_ON_START=true}, connected by environment variables alone.
 */
public final class ConsumerStart {
    /** A cold JVM on a machine the rest of the suite shares: start-up, migration and joining the group. */
    private static final Duration START = Duration.ofSeconds(120);

    private ConsumerStart() {
    }

    /** The database {@code function} runs on: {@code <function>_first_start}. */
    public static String database(String function) {
        return function + "_first_start";
    }

    /** Its environment: the connections, on its own empty database (created here), MIGRATE_ON_START, a free health port, and {@code extra}. */
    public static Map<String, String> environment(String function, Map<String, String> extra) {
        String database = database(function);
        SharedServices.postgres().createDatabase(database);
        Map<String, String> environment = new HashMap<>(ServiceEnvironment.of(database));
        environment.put("MIGRATE_ON_START", "true");
        // Its health and metrics ports on free ports of this host only: the defaults would meet another test's.
        environment.put("HEALTH_PORT", Integer.toString(io.caracal.embedded.FreePorts.next()));
        environment.put("HEALTH_HOST", "127.0.0.1");
        environment.put("METRICS_PORT", Integer.toString(io.caracal.embedded.FreePorts.next()));
        environment.put("METRICS_HOST", "127.0.0.1");
        environment.putAll(extra);
        return environment;
    }

    /**
     * The module's runnable jar, started with {@link #environment}, {@link #awaitRunning awaited}, and ready on its
     * health port: the proof that the jar kept the health endpoint's bean definitions too.
     */
    public static ChildProcess fromJar(String function, String group, Map<String, String> extra) {
        Map<String, String> environment = environment(function, extra);
        ChildProcess process = awaitRunning(RunnableJar.start(function + "-jar", environment), function, group);
        try {
            URI ready = URI.create("http://127.0.0.1:" + environment.get("HEALTH_PORT") + "/ready");
            Await.until(START, () -> status(ready) == 200, "the " + function + " function's /ready to answer 200");
            return process;
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }

    private static int status(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns {@code process} once it has said it runs and its listener has joined {@code group} on the broker: the
     * proof that its jar kept the Kafka listener's bean definition, not only the launcher that logs. Stops it and
     * fails if either does not happen.
     */
    public static ChildProcess awaitRunning(ChildProcess process, String function, String group) {
        try {
            process.awaitOutput("caracal " + function + " function running", START);
            // At least one: the ledger function runs a consumer per partition (KAFKA_PARTITIONS), the others one.
            Await.until(START, () -> ConsumerGroups.members(group) >= 1, "the " + function + " function's consumer in " + group);
            return process;
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }
}
