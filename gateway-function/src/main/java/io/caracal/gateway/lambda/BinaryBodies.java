package io.caracal.gateway.lambda;

import io.caracal.core.pipeline.FunctionLauncher;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.function.BinaryTypeConfiguration;
import jakarta.inject.Singleton;

/**
 * Every answer goes back to API Gateway or the ALB base64-encoded, which both decode for any content. The library
 * would encode only the types it lists as binary and send any other as text, which breaks what the gateway relays
 * byte for byte (a compressed body, an image, audio).
 */
@Singleton
@Replaces(BinaryTypeConfiguration.class)
@Requires(env = FunctionLauncher.LAMBDA)
class BinaryBodies extends BinaryTypeConfiguration {
    @Override
    public boolean isMediaTypeBinary(String mediaType) {
        return true;
    }
}
