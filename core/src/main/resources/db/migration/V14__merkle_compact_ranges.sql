-- Each checkpoint keeps its tree's compact range: the hashes of the maximal perfect subtrees tiling [0, tree_size),
-- largest first, concatenated (one 32-byte hash per set bit of tree_size). The integrator resumes from the latest
-- one, and verification starts at the batch it checks instead of leaf 0. Readers believe a range only once it
-- folds to the root the checkpoint's note signs. Checkpoints signed before this migration have none (NULL): readers
-- start from the latest earlier checkpoint that has one, or from leaf 0.
ALTER TABLE merkle_checkpoints ADD COLUMN compact_range bytea;
ALTER TABLE merkle_checkpoints ADD CONSTRAINT merkle_checkpoints_compact_range_size
    CHECK (compact_range IS NULL OR octet_length(compact_range) % 32 = 0);
