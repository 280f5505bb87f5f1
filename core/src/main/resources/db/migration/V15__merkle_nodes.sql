-- Interior nodes of the Merkle log: the hash of every complete perfect subtree whose height is a multiple of 8, the
-- subtree of 2^height leaves starting at leaf node_index * 2^height (256 leaves, 65,536, 16,777,216, ...). Any other
-- node folds at most 128 hashes one stride below it (leaf hashes below height 8), so a proof reads O(log n) rows
-- instead of every leaf hash. The integrator writes a node in the transaction that appends the leaf completing it; a
-- node is final once written, so the table is append-only like the leaves. Readers believe nothing here: proofs built
-- from it are verified against the signed roots before they are served. Logs from before this migration get their
-- nodes filled in from merkle_leaves by the integrator's next run.
CREATE TABLE merkle_nodes (
    height     smallint NOT NULL,
    node_index bigint   NOT NULL,
    node_hash  bytea    NOT NULL,
    PRIMARY KEY (height, node_index),
    CONSTRAINT merkle_nodes_height_stride CHECK (height > 0 AND height < 64 AND height % 8 = 0),
    CONSTRAINT merkle_nodes_index_not_negative CHECK (node_index >= 0),
    CONSTRAINT merkle_nodes_hash_size CHECK (octet_length(node_hash) = 32)
);
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE ON merkle_nodes
    FOR EACH ROW EXECUTE FUNCTION caracal_reject_change();
CREATE TRIGGER merkle_nodes_no_truncate BEFORE TRUNCATE ON merkle_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION caracal_reject_change();
