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
