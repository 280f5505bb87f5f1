package io.caracal.gateway.capacity;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamPermitsTest {
    @Test
    void atMostMaxPermitsAreOutAndEachIsReturnedOnce() {
        UpstreamPermits permits = new UpstreamPermits(2);
        UpstreamPermits.Permit first = permits.tryAcquire().orElseThrow();
        UpstreamPermits.Permit second = permits.tryAcquire().orElseThrow();
        assertEquals(Optional.empty(), permits.tryAcquire(), "two in flight, no third");
        assertEquals(2, permits.inFlight());

        first.close();
        first.close();
        assertEquals(1, permits.inFlight(), "closed twice, returned once");
        UpstreamPermits.Permit third = permits.tryAcquire().orElseThrow();
        assertEquals(Optional.empty(), permits.tryAcquire(), "closing one permit twice did not free two");

        second.close();
        third.close();
        assertEquals(0, permits.inFlight());
    }

    @Test
    void aLimitBelowOneIsAConfigurationMistake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UpstreamPermits(0));
        assertTrue(e.getMessage().contains("MAX_INFLIGHT_UPSTREAM must be at least 1"), e.getMessage());
    }
}
