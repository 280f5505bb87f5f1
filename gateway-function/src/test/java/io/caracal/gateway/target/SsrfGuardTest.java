package io.caracal.gateway.target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SsrfGuardTest {
    /** Resolves "target.example" to the address under test; IP literals resolve to themselves without DNS. */
    private static SsrfGuard resolvingTo(String address, boolean allowPrivate) {
        return new SsrfGuard(allowPrivate, host -> {
            if (host.equals("unknown.example")) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(host.equals("target.example") ? address : host)};
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1", "64:ff9b::a00:5", "2002:a9fe:a9fe::1", "::127.0.0.1", "198.18.0.1",
            "192.0.0.192", "240.0.0.1", "255.255.255.255", "2001:0:4136:e378:8000:63bf:3fff:fdd2"})
    void internalAddressesAreRefused(String address) {
        Optional<String> refused = resolvingTo(address, false).refuse(URI.create("https://target.example/v1"));
        assertEquals(Optional.of("target resolves to a private, loopback or link-local address"), refused, address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
            "64:ff9b::808:808", "2002:808:808::1"})
    void publicAddressesPass(String address) {
        assertEquals(Optional.empty(), resolvingTo(address, false).refuse(URI.create("https://target.example/v1")), address);
    }

    @Test
    void literalAddressesSchemesCredentialsAndUnknownHosts() {
        SsrfGuard guard = resolvingTo("93.184.216.34", false);
        assertTrue(guard.refuse(URI.create("http://127.0.0.1:8080/admin")).isPresent());
        assertTrue(guard.refuse(URI.create("http://[::1]/")).isPresent());
        assertEquals(Optional.of("only http and https targets are allowed"), guard.refuse(URI.create("file:///etc/passwd")));
        assertEquals(Optional.of("only http and https targets are allowed"), guard.refuse(URI.create("gopher://target.example/")));
        assertEquals(Optional.of("target URLs must not carry credentials"), guard.refuse(URI.create("https://user:pw@target.example/")));
        assertEquals(Optional.of("target host does not resolve"), guard.refuse(URI.create("https://unknown.example/")));
        assertEquals(Optional.of("target URL has no host"), guard.refuse(URI.create("https:///path")));
    }

    @Test
    void privateTargetsCanBeAllowedExplicitly() {
        assertEquals(Optional.empty(), resolvingTo("127.0.0.1", true).refuse(URI.create("http://target.example/")));
    }
}
