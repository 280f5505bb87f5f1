package io.caracal.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A gateway in a process of its own, for tests that kill it: writes its port to the file given once it serves,
 * then runs until killed. Holds live {@code holdTtl}; the upstream is {@code stub}.
 * Usage: GatewayProcess &lt;jdbc url&gt; &lt;redis uri&gt; &lt;upstream url&gt; &lt;hold ttl&gt; &lt;port file&gt;
 */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        ApplicationContext gateway = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(Map.of(
                "micronaut.server.port", -1,
                "micronaut.server.host", "127.0.0.1",
                "datasources.default.url", args[0],
                "datasources.default.username", io.caracal.embedded.EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "caracal.redis.url", args[1],
                "caracal.gateway.upstreams.stub.url", args[2],
                "caracal.gateway.request-timeout", "60s",
                "caracal.gateway.hold-ttl", args[3],
                "caracal.gateway.metrics-port", -1)).start();
        EmbeddedServer server = gateway.getBean(EmbeddedServer.class).start();
        Path port = Path.of(args[4]);
        Files.writeString(port.resolveSibling(port.getFileName() + ".tmp"), Integer.toString(server.getPort()));
        Files.move(port.resolveSibling(port.getFileName() + ".tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        new CountDownLatch(1).await();
    }
}
