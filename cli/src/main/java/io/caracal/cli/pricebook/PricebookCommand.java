package io.caracal.cli.pricebook;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.Times;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PriceEntry;
import io.caracal.core.pricing.PricebookCsv;
import io.caracal.core.pricing.PricebookJson;
import io.caracal.core.pricing.PricebookStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

@Command(name = "pricebook", mixinStandardHelpOptions = true,
        description = "Unit prices of resources. Prices are versioned: a new price never overwrites an old one.",
        subcommands = {PricebookCommand.Set.class, PricebookCommand.ListPrices.class, PricebookCommand.History.class, PricebookCommand.Import.class})
public final class PricebookCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PriceView(String resourceKey, String unitPrice, String currency, String effectiveFrom, String recordedAt) {
        static PriceView of(PriceEntry e) {
            return new PriceView(e.resourceKey(), e.unitPrice().amountText(), e.unitPrice().currency().code(),
                    e.effectiveFrom().toString(), e.recordedAt().toString());
        }
    }

    /** The commands that answer with several prices print the same table. */
    abstract static class PricesCommand extends SessionCommand {
        PricesCommand(CliSession session) {
            super(session);
        }

        void printPrices(List<PriceEntry> entries) {
            print(entries.stream().map(PriceView::of).toList(), () -> {
                Table table = new Table("RESOURCE", "UNIT PRICE", "CURRENCY", "EFFECTIVE FROM");
                entries.forEach(e -> table.row(e.resourceKey(), e.unitPrice().amountText(), e.unitPrice().currency(), time(e.effectiveFrom())));
                table.print(out());
                out().println("Total: " + entries.size() + " price(s)");
            });
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Record a resource's unit price, from now or from a later time.")
    static final class Set extends SessionCommand {
        @Option(names = "--resource", required = true, description = "Resource key, e.g. openai.gpt-4o.input_tokens.")
        String resource;

        @Option(names = "--price", required = true, description = "Price per unit, a decimal of zero or more (up to 9 decimal places).")
        String price;

        @Option(names = "--currency", defaultValue = "USD", description = "ISO 4217 currency (default: ${DEFAULT-VALUE}).")
        String currency;

        @Option(names = "--effective-from", paramLabel = "TIME", description = "When the price takes effect: " + Times.FORMS + " (default: now).")
        String effectiveFrom;

        Set(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            PriceDraft draft = new PriceDraft(resource, Money.parse("price", price, CurrencyCode.parse(currency)), Times.parseOptional("effective-from", effectiveFrom, session.bean(Clock.class).instant()));
            PriceEntry entry = session.bean(PricebookStore.class).set(draft);
            print(PriceView.of(entry), () -> {
                out().println("Price set successfully:");
                field("Resource", entry.resourceKey());
                field("Unit Price", entry.unitPrice().display());
                field("Effective From", time(entry.effectiveFrom()));
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The price of every resource in force now.")
    static final class ListPrices extends PricesCommand {
        ListPrices(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            printPrices(session.bean(PricebookStore.class).currentPrices());
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Every price a resource has had or is scheduled to have.")
    static final class History extends PricesCommand {
        @Option(names = "--resource", required = true, description = "Resource key.")
        String resource;

        History(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            printPrices(session.bean(PricebookStore.class).history(resource));
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import prices from a CSV file with the header resource_key,unit_price,currency[,effective_from],"
                    + " or a JSON file (*.json, or starting with [ or {): an array of {resource_key, unit_price, currency, effective_from?},"
                    + " or {\"models\": {MODEL: {currency, effective_from?, input, cached_input, cache_write_5m, cache_write_1h, output,"
                    + " reasoning, request}}} with prices per 1,000,000 tokens."
                    + " The whole file is checked first: on any error nothing is imported.")
    static final class Import extends PricesCommand {
        @Option(names = {"--file", "-f"}, required = true, description = "The CSV or JSON file.")
        Path file;

        Import(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            List<PriceDraft> drafts;
            try {
                String content = Files.readString(file);
                drafts = PricebookJson.isJson(file.getFileName().toString(), content)
                        ? PricebookJson.parse(new StringReader(content)) : PricebookCsv.parse(new StringReader(content));
            } catch (NoSuchFileException e) {
                throw new InvalidInputException("file not found: " + file);
            } catch (IOException e) {
                throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
            }
            List<PriceEntry> entries = session.bean(PricebookStore.class).importAll(drafts);
            if (!output.json()) {
                out().println("Imported " + entries.size() + " price(s) from " + file + ":");
            }
            printPrices(entries);
        }
    }
}
