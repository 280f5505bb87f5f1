package io.caracal.gateway.proxy;

import io.caracal.gateway.metrics.GatewayMetrics;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.exceptions.UriSyntaxException;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Anything the pipeline did not answer itself gets the gateway's error body. What the HTTP layer refuses
 * (no such route or method, a body over the size limit, an unreadable URI) is the client's mistake and keeps
 * its 4xx, since clients retry a 5xx; only a real failure is a 500, and the framework's default error page
 * never shows, because it would echo exception messages that can name internal URLs, ids or database errors.
 */
@Controller
public class GatewayErrors {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayErrors.class);

    private final GatewayMetrics metrics;

    public GatewayErrors(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record ErrorBody(String error, String message, String requestId) {
    }

    @Error(global = true)
    public HttpResponse<ErrorBody> unexpected(HttpRequest<?> request, Throwable e) {
        String id = requestId(request);
        HttpStatus status = clientMistake(e);
        ErrorBody body;
        if (status != null) {
            // One line, no stack trace: anyone who can reach the port can send these.
            LOG.debug("request {}: {} {} refused with {}: {}", id, request.getMethod(), request.getPath(), status.getCode(), e.getClass().getSimpleName());
            body = refusal(status, id);
        } else {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            LOG.error("request {}: unexpected failure", id, e);
            body = new ErrorBody("internal_error", "Operation denied due to an internal error (fail-closed)", id);
        }
        // The method's enum name: a made-up method (CUSTOM) must not grow the metric's label set.
        metrics.request(request.getMethod().name(), status.getCode());
        return HttpResponse.<ErrorBody>status(status).header("X-Request-ID", id).body(body);
    }

    /** The client's X-Request-ID when it is a plausible id, else a new one: what an answer and its log lines are known by. */
    public static String requestId(HttpRequest<?> request) {
        return requestId(request.getHeaders().get("X-Request-ID"));
    }

    /** The client's X-Request-ID when it is a plausible id, else a new one: it goes into logs, headers and the ledger. */
    static String requestId(String header) {
        return header != null && header.matches("[\\w.:-]{1,128}") ? header : UUID.randomUUID().toString();
    }

    private static ErrorBody refusal(HttpStatus status, String id) {
        String error = switch (status) {
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case REQUEST_ENTITY_TOO_LARGE -> "request_too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            case NOT_ACCEPTABLE -> "not_acceptable";
            default -> "invalid_request";
        };
        String message = switch (status) {
            case NOT_FOUND -> "no such path on this gateway: use /<upstream>/<path>";
            case METHOD_NOT_ALLOWED -> "this method is not accepted here";
            case REQUEST_ENTITY_TOO_LARGE -> "the request body is larger than this gateway accepts";
            default -> "the request cannot be processed as it is";
        };
        return new ErrorBody(error, message, id);
    }

    /** The 4xx for what the HTTP layer refused, or null when {@code e} is not the client's mistake. */
    private static HttpStatus clientMistake(Throwable e) {
        if (e instanceof HttpStatusException statusException && statusException.getStatus().getCode() < 500) {
            return statusException.getStatus();
        }
        if (e instanceof ContentLengthExceededException || e instanceof BufferLengthExceededException) {
            return HttpStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        if (e instanceof UriSyntaxException || e instanceof UnsatisfiedRouteException || e instanceof ConversionErrorException) {
            return HttpStatus.BAD_REQUEST;
        }
        return null;
    }
}
