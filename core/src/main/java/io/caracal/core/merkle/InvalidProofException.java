package io.caracal.core.merkle;

/** A proof that does not prove what it claims: the tree, the leaf or the proof was altered, or they do not belong together. */
public final class InvalidProofException extends Exception {
    public InvalidProofException(String message) {
        super(message);
    }
}
