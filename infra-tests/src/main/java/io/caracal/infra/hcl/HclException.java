package io.caracal.infra.hcl;

/** A file that is not HCL native syntax as this parser reads it; the message names the file and line. */
public final class HclException extends RuntimeException {
    public HclException(String message) {
        super(message);
    }
}
