package io.greenhouse.network;

import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubnetPoolTest {
    private final SubnetPool pool = new SubnetPool(Subnet.parse("10.254.0.0/29"));

    private static String message(Runnable r) {
        return assertThrows(GardenException.class, r::run).getMessage();
    }

    @Test
    void subnetsParseFormatAndCompare() {
        Subnet s = Subnet.parse("10.254.1.7/24");
        assertEquals("10.254.1.0/24", s.toString());
        assertEquals("10.254.1.1", Subnet.format(s.gateway()));
        assertEquals("10.254.1.255", Subnet.format(s.broadcast()));
        assertTrue(s.overlaps(Subnet.parse("10.254.0.0/16")));
        assertFalse(s.overlaps(Subnet.parse("10.254.2.0/24")));
        assertEquals("255.255.255.255", Subnet.format(Subnet.parseAddress("255.255.255.255")));
        for (String bad : new String[] {"10.0.0", "10.0.0.256", "a.b.c.d", "10.0.0.1/33", "1.2.3.-4"}) {
            assertThrows(IllegalArgumentException.class, () -> Subnet.parse(bad), bad);
        }
    }

    @Test
    void dynamicAllocationHandsOutSlashThirtiesUntilThePoolIsFull() {
        assertEquals(2, pool.capacity());
        SubnetPool.Allocation a = pool.acquire("");
        SubnetPool.Allocation b = pool.acquire(null);
        assertEquals("10.254.0.0/30", a.subnet().toString());
        assertEquals("10.254.0.2", a.addressText());
        assertEquals("10.254.0.6", b.addressText());
        assertTrue(message(() -> pool.acquire("")).contains("insufficient subnets"));
        pool.release(a);
        assertEquals("10.254.0.2", pool.acquire("").addressText());
    }

    @Test
    void aNamedSubnetIsSharedAndAnExactAddressIsHonoured() {
        SubnetPool.Allocation a = pool.acquire("192.168.13.0/24");
        SubnetPool.Allocation b = pool.acquire("192.168.13.0/24");
        assertEquals("192.168.13.2", a.addressText());
        assertEquals("192.168.13.3", b.addressText());
        assertEquals("192.168.13.9", pool.acquire("192.168.13.9/24").addressText());
        assertTrue(message(() -> pool.acquire("192.168.13.9/24")).contains("already allocated"));
        assertTrue(message(() -> pool.acquire("192.168.13.1/24")).contains("gateway"));
        assertTrue(message(() -> pool.acquire("192.168.13.255/24")).contains("broadcast"));
        assertTrue(message(() -> pool.acquire("192.168.13.0/25")).contains("overlaps an existing subnet"));
        assertTrue(message(() -> pool.acquire("10.254.0.4/30")).contains("overlaps the dynamic"));
        assertTrue(message(() -> pool.acquire("banana")).contains("invalid network spec"));
        assertTrue(message(() -> pool.acquire("10.9.9.9/32")).contains("/30 or larger"));
        // An address without a prefix length is in a /30, as in Guardian.
        assertEquals("10.9.9.0/30", pool.acquire("10.9.9.2").subnet().toString());
        pool.release(a);
        pool.release(b);
        assertTrue(pool.inUse(Subnet.parse("192.168.13.0/24")));
    }

    @Test
    void aFullSubnetIsRefusedAndRestoredAddressesAreTaken() {
        pool.acquire("10.9.8.0/30");
        assertTrue(message(() -> pool.acquire("10.9.8.0/30")).contains("insufficient IPs"));
        SubnetPool.Allocation restored = new SubnetPool.Allocation(Subnet.parse("10.254.0.0/30"), Subnet.parseAddress("10.254.0.2"));
        pool.take(restored);
        assertEquals("10.254.0.6", pool.acquire("").addressText());
        assertThrows(GardenException.class, () -> pool.take(restored));
    }

    @Test
    void portsComeInTurnAreTakenOnceAndReturnToTheBack() {
        PortPool ports = new PortPool(61001, 3);
        assertEquals(61001, ports.acquire());
        ports.take(61002);
        assertEquals(61003, ports.acquire());
        assertTrue(message(ports::acquire).contains("exhausted"));
        assertTrue(message(() -> ports.take(61002)).contains("already acquired"));
        ports.take(8080);
        ports.release(61001);
        ports.release(8080);
        assertEquals(61001, ports.acquire());
        ports.take(8080);
    }
}
