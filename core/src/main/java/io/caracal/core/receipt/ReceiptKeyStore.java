package io.caracal.core.receipt;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public half of every key that ever signed receipts ({@code receipt_keys}, append-only): a gateway registers its
 * key when it starts, and none is ever removed, so every receipt stays verifiable after a rotation or a restart.
 */
public final class ReceiptKeyStore {
    private final Database db;
    private final Clock clock;

    public ReceiptKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public record RegisteredKey(String keyId, PublicKey publicKey, Instant createdAt) {
    }

    /** Records {@code key}; registering it again changes nothing. Returns its key id. */
    public String register(PublicKey key) {
        String keyId = ReceiptSigner.keyId(key);
        db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO receipt_keys (key_id, public_key_der, created_at) VALUES (?, ?, ?)"
                    + " ON CONFLICT (key_id) DO NOTHING")) {
                ps.setString(1, keyId);
                ps.setBytes(2, key.getEncoded());
                Rows.setInstant(ps, 3, Rows.now(clock));
                return ps.executeUpdate();
            }
        });
        return keyId;
    }

    public Optional<PublicKey> find(String keyId) {
        return db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, public_key_der, created_at FROM receipt_keys WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(key(rs).publicKey()) : Optional.empty();
                }
            }
        });
    }

    /** Every registered key, oldest first. */
    public List<RegisteredKey> all() {
        return db.statement(c -> {
            List<RegisteredKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, public_key_der, created_at FROM receipt_keys ORDER BY created_at, key_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(key(rs));
                }
            }
            return keys;
        });
    }

    private static RegisteredKey key(ResultSet rs) throws SQLException {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(rs.getBytes("public_key_der")));
            return new RegisteredKey(rs.getString("key_id"), key, Rows.instant(rs, "created_at"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("receipt key " + rs.getString("key_id") + " is not an EC public key", e);
        }
    }
}
