package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.TrustedKeysOption;
import io.caracal.cli.merkle.VerificationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a ledger bundle offline (no database): every checkpoint's signature, every event against its signed root,"
                + " and that the log was only appended to between checkpoints. Trust only the keys given with --public-key; without it the"
                + " bundle's own keys are used, which proves consistency but not who signed.")
final class VerifyCommand extends SessionCommand {
    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The bundle written by 'caracal ledger export'.")
    Path bundle;

    @Mixin
    TrustedKeysOption trusted;

    VerifyCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        Bundles.BundleView view = Bundles.verify(bundle, trusted.read());
        print(view, () -> Bundles.printText(out(), view));
        VerificationReport.failIfTampered(view.verification(), out());
    }
}
