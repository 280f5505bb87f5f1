package io.caracal.cli;

import picocli.CommandLine.Option;

/** {@code -o table|json}: tables and blocks for people, one JSON document for scripts. */
public final class OutputOption {
    public enum Format { TABLE, JSON }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: table or json (default: ${DEFAULT-VALUE}).")
    Format format = Format.TABLE;

    public boolean json() {
        return format == Format.JSON;
    }
}
