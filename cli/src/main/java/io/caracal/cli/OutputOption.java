package io.caracal.cli;

import picocli.CommandLine.Option;

/** {@code -o table|json} (or {@code --json}): tables and blocks for people, one JSON document for scripts. */
public final class OutputOption {
    public enum Format { TABLE, JSON }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    Format format = Format.TABLE;

    @Option(names = "--json", description = "Short for -o json.")
    boolean jsonFlag;

    public boolean json() {
        return jsonFlag || format == Format.JSON;
    }
}
