package io.caracal.gateway.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Anything the pipeline did not answer itself becomes the fail-closed body: the framework's default error page
 * would echo exception messages, which can name internal URLs, ids or database errors.
 */
@Controller
public class GatewayErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayErrors.class);

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ErrorBody(String error, String message, String requestId) {
    }

    @Error(global = true)
    public HttpResponse<ErrorBody> unexpected(HttpRequest<?> request, Throwable e) {
        String requestId = request.getHeaders().get("X-Request-ID");
        String id = requestId != null && requestId.matches("[\\w.:-]{1,128}") ? requestId : UUID.randomUUID().toString();
        LOG.error("request {}: unexpected failure", id, e);
        return HttpResponse.<ErrorBody>status(HttpStatus.INTERNAL_SERVER_ERROR)
                .header("X-Request-ID", id)
                .body(new ErrorBody("internal_error", "Operation denied due to an internal error (fail-closed)", id));
    }
}
