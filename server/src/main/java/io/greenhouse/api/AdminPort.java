package io.greenhouse.api;

/**
 * The admin center's HTTPS port (greenhouse.admin.port). Liberty serves every web application on
 * every endpoint of its virtual host, so without a check the whole Garden API would answer there
 * too, with no client certificate: a way around mutual TLS on the Garden port.
 */
public record AdminPort(int port) {
    public static final int DEFAULT = 9443;

    /** Whether a request that arrived on LOCAL_PORT came through the admin endpoint. */
    public boolean received(int localPort) {
        return localPort == port;
    }
}
