package io.caracal.ledger;

import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.pipeline.MskLambdaHandler;
import io.caracal.core.ledger.LedgerStore;
import io.micronaut.context.ApplicationContext;

/** The ledger function as an AWS Lambda on an MSK event source mapping (topic caracal.metering.events). */
public class LedgerLambdaHandler extends MskLambdaHandler {

    public LedgerLambdaHandler() {
        this(lambdaContext());
    }

    public LedgerLambdaHandler(ApplicationContext context) {
        super(context, "ledger", c -> new LedgerWriter(c.getBean(LedgerStore.class)));
    }
}
