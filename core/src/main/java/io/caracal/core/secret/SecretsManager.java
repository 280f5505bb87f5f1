package io.caracal.core.secret;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * AWS Secrets Manager's GetSecretValue through the AWS SDK, over the JDK's HTTP client (one request per secret at
 * start-up needs no connection pool). Region, credentials and endpoint are the SDK's defaults: in Lambda the
 * function's region and role.
 */
final class SecretsManager implements AutoCloseable {
    private final SecretsManagerClient client;

    private SecretsManager(SecretsManagerClient client) {
        this.client = client;
    }

    static SecretsManager fromDefaults() {
        return new SecretsManager(SecretsManagerClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
    }

    /** The current value (its text) of the secret {@code arn}. Throws {@link ReadFailure}, naming the secret, when it cannot. */
    String secretString(String arn) {
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(request -> request.secretId(arn));
        } catch (SecretsManagerException e) {
            // The service's error code and message: what is wrong with the secret or the role's access to it.
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            throw new ReadFailure("could not read secret " + name(arn) + " from AWS Secrets Manager: "
                    + (code == null ? "HTTP " + e.statusCode() : code) + (message == null ? "" : " (" + message + ")"));
        } catch (SdkException e) {
            throw new ReadFailure("could not read secret " + name(arn) + " from AWS Secrets Manager: " + e.getMessage());
        }
        if (response.secretString() == null) {
            throw new ReadFailure("secret " + name(arn) + " has no text value (a binary secret, or none put yet)");
        }
        return response.secretString();
    }

    /** The secret's name, from an ARN ({@code arn:aws:secretsmanager:region:account:secret:NAME-abc123}) or a name. */
    static String name(String arn) {
        int at = arn.indexOf(":secret:");
        return at < 0 ? arn : arn.substring(at + ":secret:".length());
    }

    @Override
    public void close() {
        client.close();
    }

    /** A secret that could not be read; its message names the secret and the reason, never a value. */
    static final class ReadFailure extends RuntimeException {
        ReadFailure(String message) {
            super(message, null, false, false);
        }
    }
}
