package io.caracal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What a Redis server needs to speak TLS, written to a directory: a CA generated for the test, and a server
 * certificate it issued for 127.0.0.1 and localhost, with its key. Clients trust {@link #caFile()}; nothing else
 * trusts that CA, so a client on the JVM's default trust store must refuse the server.
 */
public record RedisTlsFiles(Path caFile, Path certificateFile, Path keyFile) {

    public static RedisTlsFiles generate(Path dir) {
        try {
            TestCertificates.Issued ca = TestCertificates.authority("Caracal Test Redis CA");
            TestCertificates.Issued server = TestCertificates.leaf(ca, "localhost", Instant.now().minusSeconds(60),
                    Instant.now().plusSeconds(86_400), true);
            Files.createDirectories(dir);
            return new RedisTlsFiles(Files.writeString(dir.resolve("ca.pem"), ca.pem()),
                    Files.writeString(dir.resolve("redis.pem"), server.pem()),
                    Files.writeString(dir.resolve("redis-key.pem"), server.privateKeyPem()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the test certificates", e);
        }
    }

    /**
     * The redis.conf lines that serve TLS with these files. Clients are not asked for a certificate: Caracal
     * authenticates to Redis with a password, as ElastiCache has it.
     */
    public List<String> serverSettings() {
        return List.of("tls-cert-file " + certificateFile.toAbsolutePath(), "tls-key-file " + keyFile.toAbsolutePath(),
                "tls-ca-cert-file " + caFile.toAbsolutePath(), "tls-auth-clients no");
    }
}
