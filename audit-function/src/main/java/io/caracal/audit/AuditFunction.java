package io.caracal.audit;

import io.caracal.core.pipeline.FunctionLauncher;

/** The audit function as a container: consumes every event topic until stopped. */
public final class AuditFunction {
    private AuditFunction() {
    }

    public static void main(String[] args) throws InterruptedException {
        FunctionLauncher.runContainer("audit", args);
    }
}
