package io.caracal.audit;

import io.caracal.core.audit.AuditWriter;
import io.caracal.core.pipeline.MskLambdaHandler;
import io.caracal.core.audit.AuditStore;
import io.micronaut.context.ApplicationContext;

/** The audit function as an AWS Lambda on an MSK event source mapping over the four event topics. */
public class AuditLambdaHandler extends MskLambdaHandler {

    public AuditLambdaHandler() {
        this(lambdaContext());
    }

    public AuditLambdaHandler(ApplicationContext context) {
        super(context, "audit", c -> new AuditWriter(c.getBean(AuditStore.class)));
    }
}
