package io.caracal.core.store;

import io.caracal.core.error.CaracalException;

/**
 * The shared Redis cannot be used: it is unreachable, or it refused this process (its credentials, or TLS). The
 * message names the server and the problem, never the password; {@link #reason()} is the problem alone, for
 * answers to callers who need not learn where Redis is.
 */
public final class RedisUnavailableException extends CaracalException {
    private final String reason;

    RedisUnavailableException(RedisSettings settings, String reason, Throwable cause) {
        super("Redis at " + settings + " " + reason, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
