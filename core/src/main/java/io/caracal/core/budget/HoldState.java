package io.caracal.core.budget;

import java.util.Locale;

/** A hold is open until settled or voided; expiry needs no state change, it is read from expires_at. */
public enum HoldState {
    OPEN, SETTLED, VOIDED, DENIED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static HoldState fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
