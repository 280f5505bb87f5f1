package io.caracal.core.policy;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.Money;

import java.util.Optional;

/**
 * Changes an operator asks for on an existing policy; absent fields stay as they are. The currency is
 * fixed for a policy's life: spend already counted in one currency cannot be re-read in another.
 */
public record PolicyEdit(Optional<String> limit, Optional<TimeWindow> timeWindow, Optional<WindowType> windowType,
                         Optional<String> timeZone) {

    public PolicyTerms applyTo(PolicyTerms current) {
        if (limit.isEmpty() && timeWindow.isEmpty() && windowType.isEmpty() && timeZone.isEmpty()) {
            throw new InvalidInputException("nothing to change: give at least one of --limit, --time-window, --window-type, --time-zone");
        }
        WindowType type = windowType.orElse(current.windowType());
        PolicyTerms next = new PolicyTerms(
                limit.map(text -> Money.parse("limit", text, current.limit().currency())).orElse(current.limit()),
                timeWindow.orElse(current.timeWindow()),
                type,
                // Switching to rolling drops a zone that only calendar windows use, unless one is asked for.
                timeZone.map(PolicyTerms::parseZone).orElse(type == WindowType.ROLLING ? null : current.timeZone()));
        if (next.equals(current)) {
            throw new InvalidInputException("nothing to change: the policy already has these terms");
        }
        return next;
    }

}
