package io.caracal.gateway;

import io.caracal.testing.Await;
import io.caracal.embedded.SharedServices;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway in a process of its own, for tests that kill it or that need JVM-wide settings of their own (a trust
 * store): writes its port to the file given once it serves, then runs until killed. Holds live {@code holdTtl};
 * the upstream is {@code stub}, and each further {@code name=url} argument is one more upstream.
 * Usage: GatewayProcess &lt;jdbc url&gt; &lt;redis uri&gt; &lt;upstream url&gt; &lt;hold ttl&gt; &lt;port file&gt; [name=url ...]
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "micronaut.server.port", -1,
                "micronaut.server.host", "127.0.0.1",
                "datasources.default.url", args[0],
                "datasources.default.username", io.caracal.embedded.EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "caracal.redis.url", args[1],
                "caracal.gateway.upstreams.stub.url", args[2],
                "caracal.gateway.request-timeout", "60s",
                "caracal.gateway.hold-ttl", args[3],
                "caracal.metrics.port", -1));
        // Plain HTTP, unless JVM options (-Dmicronaut.server.ssl.enabled=true and the TLS files) ask for HTTPS.
        properties.put("micronaut.server.ssl.enabled", Boolean.getBoolean("micronaut.server.ssl.enabled"));
        for (int i = 5; i < args.length; i++) {
            String[] upstream = args[i].split("=", 2);
            properties.put("caracal.gateway.upstreams." + upstream[0] + ".url", upstream[1]);
        }
        ApplicationContext gateway = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(properties).start();
        EmbeddedServer server = gateway.getBean(EmbeddedServer.class).start();
        Path port = Path.of(args[4]);
        Files.writeString(port.resolveSibling(port.getFileName() + ".tmp"), Integer.toString(server.getPort()));
        Files.move(port.resolveSibling(port.getFileName() + ".tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        new CountDownLatch(1).await();
    }

    /**
     * Starts one on the shared Redis, its output in {@code <port file>.log}: {@code jvmOptions} go to the JVM,
     * {@code upstreams} ({@code name=url}) are added to {@code stub}. A hold still open after {@code holdTtl} is
     * charged, even while its call is in flight: only a test that kills the gateway wants that to come soon.
     */
    static Process start(String jdbc, String upstream, Duration holdTtl, Path portFile, List<String> jvmOptions, String... upstreams)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayProcess.class.getName(), jdbc,
                SharedServices.redis().uri(), upstream + "/v1", holdTtl.toMillis() + "ms", portFile.toString()));
        command.addAll(List.of(upstreams));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(portFile.resolveSibling(portFile.getFileName() + ".log").toFile())
                .start();
    }

    /** The base URL of a process {@link #start started}, once it serves. */
    static URI baseOf(Path portFile, Process process) {
        String port = Await.until(Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway process exited: " + read(portFile.resolveSibling(portFile.getFileName() + ".log")));
            }
            return Files.exists(portFile) ? read(portFile) : "";
        }, p -> !p.isEmpty());
        return URI.create("http://127.0.0.1:" + port);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
