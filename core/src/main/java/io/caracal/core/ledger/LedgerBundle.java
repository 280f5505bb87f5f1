package io.caracal.core.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * The ledger bundle: one JSON file an auditor verifies offline with nothing but the operator's public keys.
 * <pre>
 * {"format": "caracal-ledger-bundle", "version": 1, "origin", "exported_at", "range": null | {"start", "end"},
 *  "public_keys": [{"key_id", "name", "public_key_pem"}],
 *  "checkpoints": [{"batch_id", "first_leaf", "tree_size", "root_hash", "key_id", "created_at", "signed_note",
 *                   "events": [{"leaf_index", "leaf_hash", every ledger field}],
 *                   "batch_proof": [{"start", "end", "proof": [hex]}]}],
 *  "consistency_proofs": [{"from_size", "to_size", "proof": [hex]}]}
 * </pre>
 * A batch [first_leaf, tree_size) is in general not one subtree of the signed tree (batches are cut by count and time,
 * not on powers of two), so its proof is one subtree consistency proof for each of the few aligned subtrees that tile it.
 */
public final class LedgerBundle {
    public static final String FORMAT = "caracal-ledger-bundle";
    public static final int VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper();

    private LedgerBundle() {
    }

    /**
     * [start, end) cut greedily into the largest aligned subtrees: each piece starts at a multiple of the largest power
     * of two dividing its start, so at most about 2·log2(end - start) pieces.
     */
    static List<long[]> subtrees(long start, long end) {
        List<long[]> pieces = new ArrayList<>();
        for (long at = start; at < end; ) {
            long next = at == 0 ? end : Math.min(end, at + Long.lowestOneBit(at));
            pieces.add(new long[]{at, next});
            at = next;
        }
        return pieces;
    }
}
