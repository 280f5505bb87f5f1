package io.caracal.testing;

import io.caracal.embedded.FreePorts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import redis.embedded.RedisServer;
import redis.embedded.RedisServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A real Redis that wants a password and speaks TLS, as ElastiCache does: the embedded-redis binary (built with
 * TLS, so no other binary is needed) with {@code requirepass} for the default user and an ACL user {@link #USER}
 * with a password of its own, plain on {@link #port()} and TLS on {@link #tlsPort()}, its certificate issued by a
 * CA generated for it ({@link #caFile()}). The passwords carry characters a URL may hold unescaped (! and &amp;),
 * and are random, so a test can look for them in every log line and message.
 */
public final class SecuredRedis implements AutoCloseable {
    public static final String USER = "caracal";
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final RedisTlsFiles tls;
    private final int port = FreePorts.next();
    private final int tlsPort = FreePorts.next();
    private String password = newPassword();
    private String userPassword = newPassword();
    private final RedisServer server;

    private SecuredRedis() throws IOException {
        dir = Files.createTempDirectory("redis-secured");
        tls = RedisTlsFiles.generate(dir);
        RedisServerBuilder builder = RedisServer.builder()
                .port(port)
                .tlsPort(tlsPort)
                .setting("bind " + HOST)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("requirepass " + password)
                .setting("user " + USER + " on >" + userPassword + " ~* &* +@all");
        tls.serverSettings().forEach(builder::setting);
        server = builder.build();
    }

    public static SecuredRedis start() {
        SecuredRedis redis;
        try {
            redis = new SecuredRedis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        redis.server.start();
        return redis;
    }

    private static String newPassword() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return "pw!" + HexFormat.of().formatHex(random) + "&";
    }

    public String host() {
        return HOST;
    }

    /** The plain port: still behind the password. */
    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The default user's password ({@code requirepass}). */
    public String password() {
        return password;
    }

    /** {@link #USER}'s password. */
    public String userPassword() {
        return userPassword;
    }

    public Path caFile() {
        return tls.caFile();
    }

    /** TLS as {@link #USER}, in the form REDIS_URL takes. */
    public String tlsUrl() {
        return "rediss://" + USER + ":" + userPassword + "@" + HOST + ":" + tlsPort;
    }

    /**
     * New passwords for both users, and every client but this one disconnected, as an operator rotating the AUTH
     * token does: a process still holding the old password fails when it reconnects.
     */
    public void rotatePasswords() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost(HOST).withPort(port).withPassword(password.toCharArray()).build());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            password = newPassword();
            userPassword = newPassword();
            admin.sync().configSet("requirepass", password);
            admin.sync().aclSetuser(USER, io.lettuce.core.AclSetuserArgs.Builder.resetpass().addPassword(userPassword));
            admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme());
        } finally {
            client.shutdown();
        }
    }

    @Override
    public void close() {
        server.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
