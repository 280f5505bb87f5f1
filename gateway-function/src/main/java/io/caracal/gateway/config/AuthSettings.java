package io.caracal.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * {@code caracal.gateway.auth.*} (env: AUTH_MODE, JWT_PUBLIC_KEY_PATH, JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE,
 * TLS_CA_FILE, TRUSTED_PROXIES). Modes: {@code api_key} (default), {@code jwt}, {@code both} (a JWT or an API
 * key), {@code mtls} (a client certificate from the CA), {@code none} (development only: the caller names its agent).
 */
@ConfigurationProperties("caracal.gateway.auth")
public class AuthSettings {
    private String mode = "api_key";
    private String jwtPublicKeyPath;
    private String jwksUrl;
    private String issuer;
    private String audience;
    /** mTLS: the CA that issues agents' client certificates (PEM). */
    private String caFile;
    /** mTLS: addresses of TLS-terminating proxies whose X-Client-Cert header is believed. */
    private java.util.List<String> trustedProxies = new java.util.ArrayList<>();

    public String getMode() {
        return mode;
    }

    /** The mode as the gateway compares it: AUTH_MODE=MTLS and " mtls" are mtls. */
    public String normalizedMode() {
        return mode.trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** mTLS: the CA certificate of TLS_CA_FILE; a missing or unreadable file stops the gateway from starting. */
    public java.security.cert.X509Certificate clientAuthority() {
        if (caFile == null || caFile.isBlank()) {
            throw new IllegalStateException("mTLS auth needs the client CA certificate (TLS_CA_FILE)");
        }
        try {
            return io.caracal.gateway.auth.MtlsAuthenticator.readCertificate(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(caFile)));
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read TLS_CA_FILE " + caFile + ": " + e.getMessage(), e);
        }
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getJwtPublicKeyPath() {
        return jwtPublicKeyPath;
    }

    public void setJwtPublicKeyPath(String jwtPublicKeyPath) {
        this.jwtPublicKeyPath = jwtPublicKeyPath;
    }

    public String getJwksUrl() {
        return jwksUrl;
    }

    public void setJwksUrl(String jwksUrl) {
        this.jwksUrl = jwksUrl;
    }

    public String getIssuer() {
        return issuer;
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    public String getCaFile() {
        return caFile;
    }

    public void setCaFile(String caFile) {
        this.caFile = caFile;
    }

    public java.util.List<String> getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(java.util.List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String getAudience() {
        return audience;
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }
}
