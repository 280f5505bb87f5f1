package io.caracal.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import org.reactivestreams.Publisher;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The floor under the gateway in bench/run-gateway-bench.sh: the same HTTP server (Micronaut on Netty) and the same
 * kind of upstream client (Micronaut's Netty proxy client) forwarding the same POSTs, with none of Caracal's work (no
 * authentication, budget, pricing, events or header filtering). What the gateway costs above this row is Caracal's;
 * what this row costs above nginx is the server and the client. Writes its process id to the info file when ready.
 * Usage: PassThroughBenchServer <port> <upstream url> <info file>
 */
public final class PassThroughBenchServer {
    static final String UPSTREAM = "bench.pass-through.upstream";

    private PassThroughBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: PassThroughBenchServer <port> <upstream url> <info file>");
        }
        ApplicationContext server = ApplicationContext.builder().properties(Map.of(
                "micronaut.server.port", Integer.parseInt(args[0]),
                "micronaut.server.host", "127.0.0.1",
                UPSTREAM, args[1])).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.getBean(EmbeddedServer.class).start();
        Files.writeString(Path.of(args[2]), "jvm " + ProcessHandle.current().pid() + "\n");
        Thread.currentThread().join();
    }

    /** Forwards {@code POST /stub/<path>} to the upstream URL plus the path. */
    @Controller("/stub")
    @Consumes(MediaType.ALL)
    @Requires(property = UPSTREAM)
    public static class Forwarder {
        private final ProxyHttpClient client;
        private final String upstream;

        public Forwarder(@Value("${" + UPSTREAM + "}") String upstream) {
            this.upstream = upstream;
            this.client = ProxyHttpClient.create(null);
        }

        @Post("/{+path}")
        public Publisher<MutableHttpResponse<?>> forward(HttpRequest<?> request, String path) {
            return client.proxy(request.mutate().uri(URI.create(upstream + "/" + path)));
        }
    }
}
