package io.caracal.cli;

import java.util.List;

/**
 * What a distribution of the CLI has beyond the admin commands: commands of its own (picocli classes whose
 * constructor may take the {@link CliSession}) and the services of local mode.
 */
public record Distribution(List<Class<?>> commands, LocalServices localServices) {
    /** The production admin CLI: the admin commands alone, against configured services or a running {@code caracal dev}. */
    public static final Distribution ADMIN = new Distribution(List.of(), LocalServices.NONE);
}
