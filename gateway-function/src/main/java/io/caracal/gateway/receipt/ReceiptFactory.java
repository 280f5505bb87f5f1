package io.caracal.gateway.receipt;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.receipt.ReceiptSigner;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The receipt key: the P-256 PEM at {@code caracal.receipts.signing-key-path} (RECEIPT_SIGNING_KEY_PATH), or, without
 * one, a key generated at start and kept only in memory. Receipts signed before a restart stay verifiable either way,
 * since every key's public half is registered.
 */
@Factory
@Requires(env = "gateway")
public class ReceiptFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptFactory.class);

    @Context // at start-up: the key is registered before the first call, and an unreadable key file stops the gateway
    Receipts receipts(ReceiptKeyStore keys, @Value("${caracal.receipts.signing-key-path:}") String keyPath) {
        boolean generated = keyPath.isBlank();
        PemKeys.SigningKey key = generated ? PemKeys.generate() : PemKeys.readPrivate(Path.of(keyPath));
        ReceiptSigner signer = new ReceiptSigner(key.privateKey(), key.publicKey());
        if (generated) {
            LOG.info("receipts are signed with key {}, generated at start: RECEIPT_SIGNING_KEY_PATH is not set, so a restart starts a new key",
                    signer.keyId());
        }
        return Receipts.start(signer, keys);
    }
}
