package io.caracal.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/** {@code caracal.gateway.*}: limits of the proxy itself. */
@ConfigurationProperties("caracal.gateway")
public class GatewaySettings {
    /** How long the gateway waits for an upstream before voiding the hold and answering 504. */
    private Duration requestTimeout = Duration.ofSeconds(30);
    /** How long a hold lives; longer than the request timeout, so a slow call never outlives its hold. */
    private Duration holdTtl = Duration.ofSeconds(300);
    /** Writes that may wait for the group-commit writer, and for how long, before a call is refused as overloaded. */
    private int writeQueue = 10_000;
    private Duration writeDeadline = Duration.ofSeconds(1);
    /** Replay protection: when on, every request must carry a fresh nonce and timestamp. */
    private boolean replayProtection;
    private Duration replayWindow = Duration.ofSeconds(300);
    private Duration replaySkew = Duration.ofSeconds(60);
    /** Whether agents may name any allowlisted URL in X-Caracal-Target-URL (besides the named upstreams). */
    private boolean targetUrls;
    /** Whether target URLs may resolve to loopback, private or link-local addresses (never in production). */
    private boolean allowPrivateTargets;
    /** Degraded mode: while Redis is unreachable, allow each agent up to this much from its last known budget (0: off). */
    private java.math.BigDecimal degradedAllowance = java.math.BigDecimal.ZERO;
    private String degradedCurrency = "USD";
    private Duration degradedMaxAge = Duration.ofMinutes(5);
    /** Degraded mode: where the spend made while PostgreSQL is unreachable waits for it (DEGRADED_JOURNAL_DIR). */
    private String degradedJournalDir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "caracal-journal").toString();
    /** Client connections open at once at most; one past it is closed as soon as it is accepted. */
    private int maxConnections = 1024;
    /** Calls forwarded and not yet answered at most; one past it is refused with 503 overloaded, nothing held. */
    private int maxInflightUpstream = 1024;

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public boolean isReplayProtection() {
        return replayProtection;
    }

    public void setReplayProtection(boolean replayProtection) {
        this.replayProtection = replayProtection;
    }

    public Duration getReplayWindow() {
        return replayWindow;
    }

    public void setReplayWindow(Duration replayWindow) {
        this.replayWindow = replayWindow;
    }

    public Duration getReplaySkew() {
        return replaySkew;
    }

    public void setReplaySkew(Duration replaySkew) {
        this.replaySkew = replaySkew;
    }

    public boolean isTargetUrls() {
        return targetUrls;
    }

    public void setTargetUrls(boolean targetUrls) {
        this.targetUrls = targetUrls;
    }

    public boolean isAllowPrivateTargets() {
        return allowPrivateTargets;
    }

    public void setAllowPrivateTargets(boolean allowPrivateTargets) {
        this.allowPrivateTargets = allowPrivateTargets;
    }

    public java.math.BigDecimal getDegradedAllowance() {
        return degradedAllowance;
    }

    public void setDegradedAllowance(java.math.BigDecimal degradedAllowance) {
        this.degradedAllowance = degradedAllowance;
    }

    public String getDegradedCurrency() {
        return degradedCurrency;
    }

    public void setDegradedCurrency(String degradedCurrency) {
        this.degradedCurrency = degradedCurrency;
    }

    public String getDegradedJournalDir() {
        return degradedJournalDir;
    }

    /** Blank (DEGRADED_JOURNAL_DIR unset) keeps the default. */
    public void setDegradedJournalDir(String degradedJournalDir) {
        if (degradedJournalDir != null && !degradedJournalDir.isBlank()) {
            this.degradedJournalDir = degradedJournalDir;
        }
    }

    public Duration getDegradedMaxAge() {
        return degradedMaxAge;
    }

    public void setDegradedMaxAge(Duration degradedMaxAge) {
        this.degradedMaxAge = degradedMaxAge;
    }

    public int getWriteQueue() {
        return writeQueue;
    }

    public void setWriteQueue(int writeQueue) {
        this.writeQueue = writeQueue;
    }

    public Duration getWriteDeadline() {
        return writeDeadline;
    }

    public void setWriteDeadline(Duration writeDeadline) {
        this.writeDeadline = writeDeadline;
    }

    public Duration getHoldTtl() {
        return holdTtl;
    }

    public void setHoldTtl(Duration holdTtl) {
        this.holdTtl = holdTtl;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public int getMaxInflightUpstream() {
        return maxInflightUpstream;
    }

    public void setMaxInflightUpstream(int maxInflightUpstream) {
        this.maxInflightUpstream = maxInflightUpstream;
    }
}
