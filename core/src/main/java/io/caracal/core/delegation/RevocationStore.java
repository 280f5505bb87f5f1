package io.caracal.core.delegation;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.UUID;

/** Revoked delegation tokens, by jti. Revoking twice keeps the first revocation. */
public final class RevocationStore implements Revocations {
    private final Database db;
    private final Clock clock;

    public RevocationStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void revoke(UUID jti, String reason) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO revoked_delegation_tokens (jti, revoked_at, reason) VALUES (?, ?, ?)"
                    + " ON CONFLICT (jti) DO NOTHING")) {
                ps.setObject(1, jti);
                Rows.setInstant(ps, 2, Rows.now(clock));
                ps.setString(3, reason == null ? "" : reason.strip());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean isRevoked(UUID jti) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM revoked_delegation_tokens WHERE jti = ?")) {
                ps.setObject(1, jti);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}
