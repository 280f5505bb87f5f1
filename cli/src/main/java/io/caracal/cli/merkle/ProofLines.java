package io.caracal.cli.merkle;

import java.io.PrintWriter;
import java.util.List;

/** A proof's hashes as the proof commands print them, one per line. */
final class ProofLines {
    private ProofLines() {
    }

    static void print(PrintWriter out, List<String> proof) {
        out.println("  Proof (" + proof.size() + " hashes):");
        proof.forEach(hash -> out.println("    0x" + hash));
    }
}
