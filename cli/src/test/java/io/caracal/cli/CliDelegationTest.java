package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delegation commands end to end: a parent's openssl key registered, a token issued, verified, revoked. */
class CliDelegationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliRunner cli;
    private static String parentId;
    private static String childId;
    @TempDir
    static Path keys;

    @BeforeAll
    static void seed() throws Exception {
        cli = new CliRunner("cli_delegation");
        assertEquals(0, cli.run("db", "init").exitCode());
        parentId = json(cli.run("agent", "create", "--name", "delegating-parent", "--owner", "o", "-o", "json")).get("agent_id").asText();
        childId = json(cli.run("agent", "create", "--name", "delegated-child", "--owner", "o", "--parent-id", parentId, "-o", "json"))
                .get("agent_id").asText();
        assertEquals(0, cli.run("policy", "create", "--agent-id", parentId, "--limit", "10").exitCode());
    }

    private static JsonNode json(CliRunner.Result result) throws Exception {
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    private static void openssl(String... args) throws Exception {
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        assertEquals(0, process.waitFor(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A P-256 key pair made as docs/cli.md shows: the private PEM and its public PEM. */
    private static Path[] keyPair(String name) throws Exception {
        Path key = keys.resolve(name + ".pem");
        Path pub = keys.resolve(name + ".pub.pem");
        openssl("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        openssl("openssl", "ec", "-in", key.toString(), "-pubout", "-out", pub.toString());
        return new Path[] {key, pub};
    }

    @Test
    void aParentRegistersItsKeyIssuesAVerifiableTokenAndRevokesIt() throws Exception {
        Path[] parentKey = keyPair("parent");
        JsonNode key = json(cli.run("delegation", "add-key", "--agent-id", parentId, "--public-key", parentKey[1].toString(), "-o", "json"));
        assertTrue(key.get("key_id").asText().matches("[0-9a-f]{16}"), key.toString());

        JsonNode issued = json(cli.run("delegation", "issue", "--parent-id", parentId, "--child-id", childId, "--spending-limit", "2.50",
                "--expiration", "3600", "--operations", "api_call", "--key", parentKey[0].toString(), "-o", "json"));
        String token = issued.get("token").asText();
        String jti = issued.get("jti").asText();
        assertEquals("2.50", issued.get("spending_limit").asText());

        JsonNode verified = json(cli.run("delegation", "verify", "--token", token, "-o", "json"));
        assertEquals(jti, verified.get("jti").asText());
        assertEquals(childId, verified.get("child_id").asText());
        assertEquals("[\"api_call\"]", verified.get("allowed_operations").toString());
        CliRunner.Result text = cli.run("delegation", "verify", "--token", token);
        assertTrue(text.out().contains("Delegation token is valid") && text.out().contains("Spending Limit: 2.50 USD"), text.out());

        assertEquals(0, cli.run("delegation", "revoke-token", "--jti", jti, "--reason", "leaked").exitCode());
        CliRunner.Result revoked = cli.run("delegation", "verify", "--token", token);
        assertEquals(1, revoked.exitCode(), revoked::toString);
        assertEquals("Error: delegation token " + jti + " has been revoked", revoked.err().strip());
    }

    @Test
    void aKeyThatIsNotTheParentsCannotIssue() throws Exception {
        Path[] unregistered = keyPair("stranger");
        CliRunner.Result refused = cli.run("delegation", "issue", "--parent-id", parentId, "--child-id", childId, "--spending-limit", "1",
                "--key", unregistered[0].toString());
        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("is not a registered delegation key of agent " + parentId), refused.err());
    }

    @Test
    void everyDelegationCommandHasHelp() {
        for (String command : new String[] {"add-key", "issue", "verify", "revoke-token"}) {
            CliRunner.Result help = cli.run("delegation", command, "--help");
            assertEquals(0, help.exitCode(), help::toString);
            assertTrue(help.out().contains("Usage: caracal delegation " + command), help.out());
        }
        assertTrue(cli.run("delegation", "revoke-token", "--help").out().contains("--jti"));
    }
}
