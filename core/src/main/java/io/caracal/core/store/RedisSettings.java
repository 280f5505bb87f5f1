package io.caracal.core.store;

import io.caracal.core.error.InvalidInputException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the shared Redis is and how to reach it, read the same way by the gateway, the consumers and the CLI:
 * REDIS_URL ({@code redis://}, or {@code rediss://} for TLS, with an optional {@code user:password@}, as Lettuce's
 * {@link RedisURI} parses it), or else REDIS_HOST, REDIS_PORT, REDIS_USERNAME (an ACL user), REDIS_PASSWORD and
 * REDIS_TLS; and for both, REDIS_TLS_CA_FILE and REDIS_CLUSTER.
 * <p>
 * Caracal builds its Lettuce client from these itself instead of through micronaut-redis-lettuce: the CLI connects
 * without a Micronaut context (it must start in about a second), and {@link RedisConnections} is then the one
 * place that gives every process the same fail-closed client options. Nothing here prints the password:
 * {@link #toString()} names the server, the user and TLS only.
 */
public final class RedisSettings {
    private final RedisURI uri;
    /** Null: the JVM's default trust store judges the server's certificate. */
    private final TrustManagerFactory trust;
    private final boolean cluster;

    private RedisSettings(RedisURI uri, TrustManagerFactory trust, boolean cluster) {
        this.uri = uri;
        this.trust = trust;
        this.cluster = cluster;
    }

    /**
     * The settings {@code setting} finds under the names {@code url}, {@code host}, {@code port}, {@code username},
     * {@code password}, {@code tls}, {@code tls-ca-file} and {@code cluster} (a process's {@code caracal.redis.*}
     * properties, or the CLI's environment and config file); a blank value counts as unset. A URL wins over the
     * host and port; the separate username and password still apply when the URL carries none, so the password
     * can come from a secret while the URL is plain configuration, and {@code tls} can only add TLS, never remove
     * it. Empty when neither a URL nor a host is set.
     */
    public static Optional<RedisSettings> resolve(UnaryOperator<String> setting) {
        String url = blankToNull(setting.apply("url"));
        String host = blankToNull(setting.apply("host"));
        if (url == null && host == null) {
            return Optional.empty();
        }
        RedisURI uri = url != null ? parse(url) : RedisURI.create(host.trim(), port(setting.apply("port")));
        String password = setting.apply("password");
        RedisCredentials given = credentials(uri);
        if (!given.hasUsername() && !given.hasPassword() && password != null && !password.isEmpty()) {
            // The password as given: spaces may be part of it.
            String username = blankToNull(setting.apply("username"));
            uri.setCredentialsProvider(new StaticCredentialsProvider(username == null ? null : username.trim(), password.toCharArray()));
        }
        if (flag(setting, "tls")) {
            uri.setSsl(true);
        }
        TrustManagerFactory trust = null;
        String caFile = blankToNull(setting.apply("tls-ca-file"));
        if (caFile != null) {
            if (!uri.isSsl()) {
                throw new InvalidInputException("REDIS_TLS_CA_FILE is set but TLS is off: set REDIS_TLS=true or use a rediss:// REDIS_URL");
            }
            trust = trustOnly(Path.of(caFile.trim()));
        }
        if (uri.isSsl()) {
            // Lettuce's default already, made explicit: the certificate must chain to a trusted CA and name the host.
            uri.setVerifyPeer(SslVerifyMode.FULL);
        }
        return Optional.of(new RedisSettings(uri, trust, flag(setting, "cluster")));
    }

    /** A Redis named by a URL alone, trusted through the JVM's default trust store. */
    public static RedisSettings of(String url, boolean cluster) {
        return resolve(name -> switch (name) {
            case "url" -> url;
            case "cluster" -> Boolean.toString(cluster);
            default -> null;
        }).orElseThrow();
    }

    /**
     * Not the URL in the message, nor the parser's error as the cause: both would show the password it holds.
     */
    private static RedisURI parse(String url) {
        try {
            return RedisURI.create(url.trim());
        } catch (RuntimeException e) {
            throw new InvalidInputException("REDIS_URL is not a Redis URL: expected redis://[[user]:password@]host[:port] or rediss://..."
                    + " (a password with reserved characters percent-encoded)");
        }
    }

    /** What a URI made here carries: RedisURI.create and the settings above give it fixed credentials. */
    private static RedisCredentials credentials(RedisURI uri) {
        return ((RedisCredentialsProvider.ImmediateRedisCredentialsProvider) uri.getCredentialsProvider()).resolveCredentialsNow();
    }

    private static int port(String text) {
        String port = blankToNull(text);
        if (port == null) {
            return RedisURI.DEFAULT_REDIS_PORT;
        }
        try {
            int value = Integer.parseInt(port.trim());
            if (value >= 1 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException("REDIS_PORT must be a number from 1 to 65535, got '" + text + "'");
    }

    /** Strictly true or false: a misspelt REDIS_TLS must not quietly mean plain text. */
    private static boolean flag(UnaryOperator<String> setting, String name) {
        String value = blankToNull(setting.apply(name));
        if (value == null || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidInputException("REDIS_" + name.toUpperCase(Locale.ROOT) + " must be true or false, got '" + value + "'");
    }

    /**
     * Trusts exactly the certificates of a PEM file, as {@code redis-cli --cacert} does, read now so that a missing or
     * unreadable file stops the process at start instead of failing every connection later.
     */
    private static TrustManagerFactory trustOnly(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new InvalidInputException("REDIS_TLS_CA_FILE " + file + " holds no PEM certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int alias = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + alias++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidInputException("cannot read REDIS_TLS_CA_FILE " + file + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    RedisURI uri() {
        return uri;
    }

    /** For TLS: the JVM's trust store, or only the CA of REDIS_TLS_CA_FILE. */
    SslOptions sslOptions() {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (trust != null) {
            ssl.trustManager(trust);
        }
        return ssl.build();
    }

    public boolean cluster() {
        return cluster;
    }

    public boolean tls() {
        return uri.isSsl();
    }

    /** Where it is, and as whom, for messages: never the password. */
    @Override
    public String toString() {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort()
                + (credentials(uri).hasUsername() ? " as " + credentials(uri).getUsername() : "") + (cluster ? " (cluster)" : "");
    }
}
