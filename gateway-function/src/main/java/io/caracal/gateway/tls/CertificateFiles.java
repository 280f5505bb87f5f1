package io.caracal.gateway.tls;

import io.micronaut.http.ssl.CertificateProvider;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The HTTPS listener's certificate, read from TLS_CERT_FILE and TLS_KEY_FILE and read again whenever their content
 * changes ({@link #check()}, called every second), so a renewed certificate is served to new connections without a
 * restart; open connections finish on the one they started with (Micronaut builds a new SSL context for new
 * handshakes when this publishes a new key store). The content is compared, not modification times: a Kubernetes
 * Secret volume swaps a symlink (the files' own times do not change) and a rewrite within a second keeps its time.
 * A change that cannot be served (half-written, key and certificate from different pairs) keeps the current
 * certificate and is logged in one line, once the files have stayed that way for a check, so a rotation caught
 * between its two writes is not reported.
 * <p>
 * For AUTH_MODE=mtls it also holds the trust store the handshake checks client certificates against (TLS_CA_FILE).
 */
public final class CertificateFiles implements CertificateProvider {
    /** The name the server's SSL configuration refers to (micronaut.server.ssl.key-name / trust-name). */
    public static final String NAME = "gateway";
    private static final Logger LOG = LoggerFactory.getLogger(CertificateFiles.class);

    private final Path certificateFile;
    private final Path keyFile;
    private final Optional<KeyStore> clientAuthorities;
    private final Sinks.Many<KeyStore> keyStores = Sinks.many().replay().latest();
    private byte[] served;
    private byte[] lastSeen;
    private byte[] reported;

    /** Reads the files once: a gateway that cannot serve its certificate does not start. */
    public CertificateFiles(Path certificateFile, Path keyFile, Optional<KeyStore> clientAuthorities) throws ServerCertificate.Unusable {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.clientAuthorities = clientAuthorities;
        Contents contents = read();
        ServerCertificate certificate = ServerCertificate.read(contents.certificate, contents.key);
        publish(certificate, contents.digest);
    }

    /** Serves the files' certificate if their content changed since the last check and it is usable. */
    public synchronized void check() {
        Contents contents;
        try {
            contents = read();
        } catch (ServerCertificate.Unusable e) {
            report(e.getMessage(), new byte[0]);
            return;
        }
        if (Arrays.equals(contents.digest, served)) {
            lastSeen = contents.digest;
            return;
        }
        try {
            publish(ServerCertificate.read(contents.certificate, contents.key), contents.digest);
        } catch (ServerCertificate.Unusable e) {
            report(e.getMessage(), contents.digest);
        }
    }

    private void publish(ServerCertificate certificate, byte[] digest) {
        keyStores.emitNext(certificate.keyStore(), Sinks.EmitFailureHandler.FAIL_FAST);
        served = digest;
        lastSeen = digest;
        reported = null;
        LOG.info("TLS certificate served to new connections: {}", certificate.describe());
    }

    private void report(String problem, byte[] digest) {
        boolean settled = Arrays.equals(digest, lastSeen);
        lastSeen = digest;
        if (settled && !Arrays.equals(digest, reported)) {
            reported = digest;
            LOG.warn("TLS certificate not reloaded, still serving the previous one: {} ({}, {})", problem, certificateFile, keyFile);
        }
    }

    private Contents read() throws ServerCertificate.Unusable {
        byte[] certificate = bytes(certificateFile, "TLS_CERT_FILE");
        byte[] key = bytes(keyFile, "TLS_KEY_FILE");
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(certificate);
            sha256.update(key);
            return new Contents(certificate, key, sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private static byte[] bytes(Path file, String variable) throws ServerCertificate.Unusable {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ServerCertificate.Unusable(variable + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private record Contents(byte[] certificate, byte[] key, byte[] digest) {
    }

    @Override
    public Publisher<KeyStore> getKeyStore() {
        return keyStores.asFlux();
    }

    @Override
    public Publisher<KeyStore> getTrustStore() {
        return clientAuthorities.<Publisher<KeyStore>>map(Flux::just).orElseGet(Flux::empty);
    }

    @Override
    public String getName() {
        return NAME;
    }
}
