package io.caracal.cli.dev;

import io.caracal.cli.Caracal;
import io.caracal.cli.Distribution;

import java.util.List;

/**
 * The {@code caracal} command of the dev-stack build: every admin command, plus {@code caracal dev} and local mode
 * (an embedded PostgreSQL and Redis when none is configured). It is the admin CLI's command tree, not a copy of it.
 */
public final class CaracalDev {
    public static final Distribution DISTRIBUTION = new Distribution(List.of(DevCommand.class), new EmbeddedLocalServices());

    private CaracalDev() {
    }

    public static void main(String[] args) {
        Caracal.exit(args, DISTRIBUTION);
    }
}
