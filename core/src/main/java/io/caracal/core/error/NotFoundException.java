package io.caracal.core.error;

/** The request names something (an agent, a policy, a key) that does not exist. */
public final class NotFoundException extends CaracalException {
    public NotFoundException(String what, Object id) {
        super(what + " not found: " + id);
    }
}
