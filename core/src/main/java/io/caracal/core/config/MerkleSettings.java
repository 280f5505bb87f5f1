package io.caracal.core.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code caracal.merkle.*}: the checkpoint signing key (MERKLE_SIGNING_KEY_PATH, a P-256 PEM as
 * {@code openssl ecparam -name prime256v1 -genkey -noout} writes it), the log's name in its checkpoints, and
 * when to sign: every {@code batchSizeLimit} events or once the oldest unsigned event is {@code batchTimeout} old
 * (the Helm values batchSizeLimit and batchTimeoutSeconds).
 */
@ConfigurationProperties("caracal.merkle")
public class MerkleSettings {
    private String signingKeyPath;
    private String origin = "caracal-ledger";
    private int batchSizeLimit = 1000;
    private Duration batchTimeout = Duration.ofSeconds(300);

    public String getSigningKeyPath() {
        return signingKeyPath;
    }

    public void setSigningKeyPath(String signingKeyPath) {
        this.signingKeyPath = signingKeyPath;
    }

    public String getOrigin() {
        return origin;
    }

    public void setOrigin(String origin) {
        this.origin = origin;
    }

    public int getBatchSizeLimit() {
        return batchSizeLimit;
    }

    public void setBatchSizeLimit(int batchSizeLimit) {
        this.batchSizeLimit = batchSizeLimit;
    }

    public Duration getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(Duration batchTimeout) {
        this.batchTimeout = batchTimeout;
    }
}
