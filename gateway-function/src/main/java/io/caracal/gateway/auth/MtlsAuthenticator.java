package io.caracal.gateway.auth;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentLookup;
import io.caracal.gateway.proxy.ProxyExchange;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * mTLS: the agent is the subject CN (a UUID) of a client certificate issued by the configured CA. Normally the
 * gateway's own TLS stack verified the certificate during the handshake. Behind a TLS-terminating proxy, the
 * certificate may come in {@code X-Client-Cert} (URL-encoded PEM), but only from a configured proxy address,
 * and it is then verified here against the same CA, validity dates included. From anywhere else the header is
 * ignored (v0.3 trusted it from anyone). The proxy must set the header itself and overwrite any a client sent:
 * a certificate proves nothing about who holds its key.
 */
public final class MtlsAuthenticator implements AgentAuthenticator {
    private final AgentLookup agents;
    private final X509Certificate ca;
    private final Set<String> trustedProxies;
    private final Clock clock;

    public MtlsAuthenticator(AgentLookup agents, X509Certificate ca, Set<String> trustedProxies, Clock clock) {
        this.agents = agents;
        this.ca = ca;
        this.trustedProxies = Set.copyOf(trustedProxies);
        this.clock = clock;
    }

    public static X509Certificate readCertificate(byte[] pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    @Override
    public Optional<Agent> authenticate(Function<String, String> header) {
        return Optional.empty(); // a header alone never proves a certificate
    }

    @Override
    public Optional<Agent> authenticate(ProxyExchange.Request request) {
        if (request.clientCertificate() != null) {
            // The handshake verified it against the listener's trust store, which may hold more than our CA.
            try {
                verify(request.clientCertificate());
            } catch (GeneralSecurityException e) {
                return Optional.empty();
            }
            return agentOf(request.clientCertificate());
        }
        String forwarded = request.header("X-Client-Cert");
        if (forwarded == null || request.remoteAddress() == null || !trustedProxies.contains(request.remoteAddress())) {
            return Optional.empty();
        }
        try {
            X509Certificate certificate = readCertificate(URLDecoder.decode(forwarded, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII));
            verify(certificate);
            return agentOf(certificate);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void verify(X509Certificate certificate) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false); // no CRL or OCSP source is configured; revoke by suspending the agent
        parameters.setDate(Date.from(clock.instant()));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
    }

    private Optional<Agent> agentOf(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return ActiveAgents.find(agents, rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
