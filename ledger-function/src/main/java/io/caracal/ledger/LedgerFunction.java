package io.caracal.ledger;

import io.caracal.core.pipeline.FunctionLauncher;

/** The ledger function as a container: consumes metering events until stopped. */
public final class LedgerFunction {
    private LedgerFunction() {
    }

    public static void main(String[] args) throws InterruptedException {
        FunctionLauncher.runContainer("ledger", args);
    }
}
