package io.greenhouse.network;

import io.greenhouse.backend.GardenException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Host ports for NetIn. Ports from the pool's range are handed out in turn and a released one goes
 * to the back of the queue (so a port is not reused at once, as in Guardian); a host port is mapped
 * to at most one container, whether it came from the pool or was asked for.
 */
final class PortPool {
    private final int start;
    private final int size;
    private final Deque<Integer> free = new ArrayDeque<>();
    private final Set<Integer> mapped = new HashSet<>();

    PortPool(int start, int size) {
        if (start < 1 || size < 0 || (long) start + size > 65536) {
            throw new IllegalArgumentException("invalid port pool: start " + start + ", size " + size);
        }
        this.start = start;
        this.size = size;
        for (int p = start; p < start + size; p++) {
            free.add(p);
        }
    }

    synchronized int acquire() {
        Integer port = free.poll();
        if (port == null) {
            throw new GardenException("port pool is exhausted");
        }
        mapped.add(port);
        return port;
    }

    /** Takes a given port: one asked for in a NetIn, or one a container held before a restart. */
    synchronized void take(int port) {
        if (port < 1 || port > 65535) {
            throw new GardenException("invalid host port " + port);
        }
        if (!mapped.add(port)) {
            throw new GardenException("port already acquired: " + port);
        }
        free.remove(port);
    }

    synchronized void release(int port) {
        if (mapped.remove(port) && port >= start && port < start + size) {
            free.add(port);
        }
    }

    synchronized int available() {
        return free.size();
    }
}
