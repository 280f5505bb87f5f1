package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.merkle.VerificationReport;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a ledger bundle offline (no database): every checkpoint's signature, every event against its signed root,"
                + " and that the log was only appended to between checkpoints. Trust only the keys given with --public-key; without it the"
                + " bundle's own keys are used, which proves consistency but not who signed.")
final class VerifyCommand extends SessionCommand {
    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The bundle written by 'caracal ledger export'.")
    Path bundle;

    @Option(names = "--public-key", paramLabel = "PEMFILE",
            description = "A trusted checkpoint public key in PEM (as 'openssl ec -in key.pem -pubout' writes it); repeatable.")
    List<Path> publicKeys = new ArrayList<>();

    VerifyCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        List<ECPublicKey> trusted = new ArrayList<>();
        for (Path file : publicKeys) {
            trusted.add(readPublicKey(file));
        }
        Bundles.BundleView view = Bundles.verify(bundle, trusted);
        print(view, () -> Bundles.printText(out(), view));
        VerificationReport.failIfTampered(view.verification(), out());
    }

    private static ECPublicKey readPublicKey(Path file) {
        try {
            return PemKeys.readPublic(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the public key " + file + ": " + e.getMessage());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage());
        }
    }
}
