package io.caracal.gateway.target;

import io.caracal.core.allowlist.AllowlistDecision;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.allowlist.Allowlists;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.UUID;

/**
 * Decides whether an agent may call the URL it named in {@code X-Caracal-Target-URL}: it must be on the
 * agent's allowlist (no entries: nothing is allowed) and pass the {@link SsrfGuard}. Any error denies.
 */
public final class Targets {
    private final Allowlists allowlists;
    private final SsrfGuard ssrf;

    public Targets(Allowlists allowlists, SsrfGuard ssrf) {
        this.allowlists = allowlists;
        this.ssrf = ssrf;
    }

    /** The outcome: the URI to call, or the HTTP status, error code and reason to refuse with. */
    public record Verdict(URI uri, int status, String error, String reason) {
        public boolean allowed() {
            return uri != null;
        }
    }

    public Verdict check(UUID agentId, String target) {
        URI uri;
        try {
            uri = new URI(target.trim());
        } catch (URISyntaxException e) {
            return new Verdict(null, 400, "invalid_request", "X-Caracal-Target-URL is not a valid URL");
        }
        AllowlistDecision decision;
        try {
            decision = allowlists.allowlistOf(agentId).check(uri.toString());
        } catch (InvalidInputException e) {
            return new Verdict(null, 400, "invalid_request", e.getMessage());
        }
        if (!decision.allowed()) {
            return new Verdict(null, 403, "resource_not_allowed", decision.reason());
        }
        return ssrf.refuse(uri).map(reason -> new Verdict(null, 403, "target_not_allowed", reason)).orElse(new Verdict(uri, 200, null, null));
    }
}
