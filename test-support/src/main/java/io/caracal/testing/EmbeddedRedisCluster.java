package io.caracal.testing;

import io.caracal.embedded.FreePorts;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import redis.embedded.RedisServer;
import redis.embedded.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Redis Cluster of three masters and no replicas on loopback: the Redis binary of embedded-redis (as
 * {@code EmbeddedRedisServer} runs it) started three times in cluster mode, each master given a third of the 16,384
 * slots and introduced to the others (CLUSTER ADDSLOTSRANGE and CLUSTER MEET, what {@code redis-cli --cluster create}
 * sends). {@link #start()} returns once every node sees the whole cluster as ok; {@link #startSecured} starts one
 * behind a password whose nodes talk TLS to clients and to each other, as ElastiCache in cluster mode does.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final int SLOTS = 16384;
    private static final String HOST = "127.0.0.1";

    private final List<RedisServer> servers = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Integer> busPorts = new ArrayList<>();
    private final List<Integer> tlsPorts = new ArrayList<>();
    private final Path dir;
    /** Null: no password. */
    private final String password;
    /** Null: no TLS. */
    private final RedisTlsFiles tls;

    private EmbeddedRedisCluster(Path dir, String password, boolean tls) {
        this.dir = dir;
        this.password = password;
        this.tls = tls ? RedisTlsFiles.generate(dir.resolve("tls")) : null;
    }

    public static EmbeddedRedisCluster start() {
        return start(null, false);
    }

    /**
     * Every node wants {@code password} and serves TLS on a port of its own beside the plain one; with
     * {@code tls-cluster} the cluster bus is TLS too, and the nodes announce their TLS ports, so a client that
     * starts from {@link #seedTlsPort()} reaches every shard over TLS.
     */
    public static EmbeddedRedisCluster startSecured(String password) {
        return start(password, true);
    }

    private static EmbeddedRedisCluster start(String password, boolean tls) {
        EmbeddedRedisCluster cluster;
        try {
            cluster = new EmbeddedRedisCluster(Files.createTempDirectory("redis-cluster"), password, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < MASTERS; i++) {
                cluster.startNode(i);
            }
            cluster.join();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startNode(int index) {
        int port = FreePorts.next();
        int busPort = FreePorts.next();
        Path nodeDir = dir.resolve("node" + index);
        try {
            Files.createDirectories(nodeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisServerBuilder builder = RedisServer.builder()
                .port(port)
                .setting("bind " + HOST)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("cluster-enabled yes")
                // The bus port is picked free too: the default, port + 10000, may be taken or past 65535.
                .setting("cluster-port " + busPort)
                .setting("cluster-config-file nodes.conf")
                .setting("cluster-node-timeout 5000")
                .setting("dir " + nodeDir.toAbsolutePath());
        if (password != null) {
            builder.setting("requirepass " + password).setting("masterauth " + password);
        }
        if (tls != null) {
            int tlsPort = FreePorts.next();
            builder.tlsPort(tlsPort).setting("tls-cluster yes");
            tls.serverSettings().forEach(builder::setting);
            tlsPorts.add(tlsPort);
        }
        RedisServer server = builder.build();
        server.start();
        servers.add(server);
        ports.add(port);
        busPorts.add(busPort);
    }

    /** Gives each master its share of the slots, introduces them, and waits until every node sees one healthy cluster. */
    private void join() {
        RedisClient client = RedisClient.create();
        List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
        try {
            for (int port : ports) {
                RedisURI.Builder node = RedisURI.builder().withHost(HOST).withPort(port);
                if (password != null) {
                    node.withPassword(password.toCharArray());
                }
                nodes.add(client.connect(node.build()));
            }
            for (int i = 0; i < MASTERS; i++) {
                nodes.get(i).sync().clusterAddSlotsRange(Range.create(i * SLOTS / MASTERS, (i + 1) * SLOTS / MASTERS - 1));
            }
            for (int i = 1; i < MASTERS; i++) {
                // With the bus port, which Lettuce's clusterMeet cannot pass: without it MEET assumes port + 10000.
                nodes.get(0).sync().dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("MEET").add(HOST).add(ports.get(i)).add(busPorts.get(i)));
            }
            Await.until(Duration.ofSeconds(30), () -> nodes.stream().allMatch(node -> healthy(node.sync().clusterInfo())),
                    "every node of the Redis Cluster to see all " + MASTERS + " masters and all slots ok");
        } finally {
            nodes.forEach(StatefulRedisConnection::close);
            client.shutdown();
        }
    }

    private static boolean healthy(String info) {
        return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS)
                && info.contains("cluster_slots_ok:" + SLOTS);
    }

    /** Where a cluster client starts: any node tells it the rest. */
    public String seedUri() {
        return "redis://" + HOST + ":" + ports.get(0);
    }

    /** The TLS port of the node a cluster client starts from, on a cluster from {@link #startSecured}. */
    public int seedTlsPort() {
        return tlsPorts.get(0);
    }

    /** The CA that issued the nodes' certificate, on a cluster from {@link #startSecured}. */
    public Path caFile() {
        return tls.caFile();
    }

    /** One URI per master, to look at a single shard with a plain (non-cluster) client. */
    public List<String> nodeUris() {
        return ports.stream().map(port -> "redis://" + HOST + ":" + port).toList();
    }

    @Override
    public void close() {
        servers.forEach(RedisServer::stop);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
