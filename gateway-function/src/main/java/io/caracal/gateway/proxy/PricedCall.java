package io.caracal.gateway.proxy;

import java.util.Map;

/** A call priced from its own body and answer (an LLM API call, an MCP tool call), rather than by its headers. */
interface PricedCall {
    /** The body to send upstream: the client's, or as the gateway rewrote it. */
    byte[] body();

    /** What the ledger keeps of how the call was priced. */
    Map<String, String> metadata();

    /** A meter for its answer, a stream or a whole body. */
    AnswerMeter meter(boolean eventStream);
}
