package io.caracal.gateway.target;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Keeps {@code X-Caracal-Target-URL} from reaching the gateway's own network: only http(s) URLs without
 * embedded credentials, whose host resolves to public addresses only. Loopback, private (RFC 1918, RFC 4193),
 * link-local (which holds the cloud metadata service at 169.254.169.254), carrier-grade NAT, benchmarking,
 * reserved, unspecified and multicast addresses are refused unless private targets are explicitly allowed, and
 * so are IPv6 forms that carry one of them (IPv4-mapped, IPv4-compatible, NAT64, 6to4) and Teredo tunnels.
 */
public final class SsrfGuard {
    /** Resolves a host name; replaced in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    public SsrfGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public static SsrfGuard system(boolean allowPrivate) {
        return new SsrfGuard(allowPrivate, InetAddress::getAllByName);
    }

    /** Why the target must not be called, or empty when it may. */
    public Optional<String> refuse(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https targets are allowed");
        }
        if (target.getRawUserInfo() != null) {
            return Optional.of("target URLs must not carry credentials");
        }
        if (target.getHost() == null || target.getHost().isEmpty()) {
            return Optional.of("target URL has no host");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(target.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("target host does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                return Optional.of("target resolves to a private, loopback or link-local address");
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            int third = b[2] & 0xff;
            return first == 0                                   // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    || (first == 192 && second == 0 && third == 0)     // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19)) // benchmarking
                    || first >= 240;                            // reserved, broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
                return true; // Teredo 2001::/32 tunnels to an address we cannot see
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return embeddedIsInternal(b, 2); // 6to4 2002:a.b.c.d::/48
            }
            if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
                return embeddedIsInternal(b, 12); // NAT64 64:ff9b::a.b.c.d
            }
            if (allZero(b, 0, 10) && (((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) || (b[10] == 0 && b[11] == 0))) {
                return embeddedIsInternal(b, 12); // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d
            }
        }
        return false;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean embeddedIsInternal(byte[] b, int offset) {
        try {
            return isInternal(InetAddress.getByAddress(new byte[] {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }
}
