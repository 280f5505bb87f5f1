package io.caracal.cli;

import io.caracal.core.ledger.NoteKey;
import io.caracal.core.config.MerkleSettings;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.ledger.MerkleLogStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoint public keys the operator or auditor trusts from outside the thing being verified: the keys stored with
 * a ledger (or a bundle) vouch only for themselves, since whoever could rewrite the ledger could add a key too.
 */
public final class TrustedKeysOption {
    @Option(names = "--public-key", paramLabel = "PEMFILE",
            description = "A trusted checkpoint public key in PEM (as 'openssl ec -in key.pem -pubout' writes it); repeatable, one per key"
                    + " that ever signed.")
    List<Path> files = new ArrayList<>();

    /** The keys given, in order; empty when none was. */
    public List<ECPublicKey> read() {
        List<ECPublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            keys.add(PemKeys.readPublic(file));
        }
        return keys;
    }

    /** A verifier of the session's ledger that trusts the keys given, or, when none was, every key registered with the ledger. */
    public LedgerVerifier verifier(CliSession session) {
        String origin = session.bean(MerkleSettings.class).getOrigin();
        return new LedgerVerifier(session.bean(MerkleLogStore.class), read().stream().map(key -> new NoteKey(origin, key)).toList());
    }
}
