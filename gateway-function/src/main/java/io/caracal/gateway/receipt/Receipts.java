package io.caracal.gateway.receipt;

import io.caracal.core.budget.Settlement;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.receipt.Receipt;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.receipt.ReceiptSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's receipts ({@code X-Caracal-Receipt}), signed with this replica's key. No receipt is handed out before
 * that key's public half is in {@code receipt_keys}: a receipt nobody can verify proves nothing. The key is registered
 * at start; if the database cannot be reached then, the first receipt registers it.
 */
public final class Receipts {
    private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);

    private final ReceiptSigner signer;
    private final ReceiptKeyStore keys;
    private volatile boolean registered;

    private Receipts(ReceiptSigner signer, ReceiptKeyStore keys) {
        this.signer = signer;
        this.keys = keys;
    }

    /** Receipts signed by {@code signer}, whose key is registered now if the database answers. */
    public static Receipts start(ReceiptSigner signer, ReceiptKeyStore keys) {
        Receipts receipts = new Receipts(signer, keys);
        try {
            receipts.ensureRegistered();
        } catch (StorageUnavailableException e) {
            LOG.warn("receipt key {} not registered yet, will be before the first receipt: {}", signer.keyId(), e.getMessage());
        }
        return receipts;
    }

    /** The receipt of a charge just settled, priced with {@code priceVersion} (null when the call had none). */
    public String issue(Settlement settlement, String priceVersion) {
        ensureRegistered();
        return signer.sign(Receipt.of(settlement, priceVersion, signer.keyId()));
    }

    /** The receipt of a charge as the ledger records it, signed now with this replica's key. */
    public String issue(LedgerRow row) {
        ensureRegistered();
        return signer.sign(Receipt.of(row, signer.keyId()));
    }

    public String keyId() {
        return signer.keyId();
    }

    private void ensureRegistered() {
        if (!registered) {
            synchronized (this) {
                if (!registered) {
                    keys.register(signer.publicKey());
                    registered = true;
                }
            }
        }
    }
}
