package io.caracal.gateway.tls;

import io.caracal.gateway.config.AuthSettings;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.ssl.ClientAuthentication;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;

/**
 * HTTPS for the gateway's listener (TLS_ENABLED, the default; see application-gateway.yml and docs/gateway.md):
 * the certificate of TLS_CERT_FILE / TLS_KEY_FILE, re-read every second, and for AUTH_MODE=mtls the request of a
 * client certificate checked against TLS_CA_FILE. The server asks for the certificate (WANT) rather than demands
 * it: a load balancer's or kubelet's health check has none, and a call without one is refused by the mTLS
 * authenticator (401) instead of by the handshake.
 */
@Factory
@Requires(env = "gateway")
@Requires(property = "micronaut.server.ssl.enabled", value = "true")
public class TlsFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TlsFactory.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    @Singleton
    @Named(CertificateFiles.NAME)
    CertificateFiles certificateFiles(@Value("${caracal.gateway.tls.cert-file:}") String certificateFile,
                                      @Value("${caracal.gateway.tls.key-file:}") String keyFile, AuthSettings auth,
                                      @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        if (certificateFile.isBlank() || keyFile.isBlank()) {
            throw new ConfigurationException("HTTPS needs TLS_CERT_FILE and TLS_KEY_FILE (PEM); for plain HTTP (development only) set TLS_ENABLED=false");
        }
        CertificateFiles files;
        try {
            files = new CertificateFiles(Path.of(certificateFile), Path.of(keyFile), mtls(auth) ? Optional.of(trustStore(auth)) : Optional.empty());
        } catch (ServerCertificate.Unusable e) {
            throw new ConfigurationException("TLS_CERT_FILE " + certificateFile + " / TLS_KEY_FILE " + keyFile + ": " + e.getMessage());
        }
        scheduler.scheduleWithFixedDelay(CHECK_EVERY, CHECK_EVERY, () -> {
            // Anything thrown would end the schedule for good.
            try {
                files.check();
            } catch (RuntimeException e) {
                LOG.warn("TLS certificate files not checked: {}", e.toString());
            }
        });
        return files;
    }

    /**
     * Reads the certificate files when the server is made, before it binds: Micronaut would otherwise read them in
     * Netty's channel set-up, whose failure ends as "Unable to start Micronaut server" without the reason. And
     * points the HTTPS listener at {@link CertificateFiles} for client certificates too when AUTH_MODE is mtls.
     */
    @Singleton
    BeanCreatedEventListener<ServerSslConfiguration> httpsListener(AuthSettings auth, @Named(CertificateFiles.NAME) Provider<CertificateFiles> files) {
        return created -> {
            ServerSslConfiguration ssl = created.getBean();
            files.get();
            if (mtls(auth)) {
                ssl.setClientAuthentication(ClientAuthentication.WANT);
                ssl.setTrustName(CertificateFiles.NAME);
            }
            return ssl;
        };
    }

    private static boolean mtls(AuthSettings auth) {
        return auth.normalizedMode().equals("mtls");
    }

    private static KeyStore trustStore(AuthSettings auth) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("agents-ca", auth.clientAuthority());
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("an in-memory PKCS12 trust store could not be made", e);
        }
    }
}
