package io.caracal.core.health;

/**
 * A probe's finding that its dependency cannot be used, worded for {@code /ready}: the message names the problem,
 * never a host, a connection string or a credential. Any other exception a probe throws is reported by its kind
 * only, since driver messages can carry those.
 */
public final class DependencyDownException extends RuntimeException {
    public DependencyDownException(String reason) {
        super(reason, null, false, false);
    }
}
