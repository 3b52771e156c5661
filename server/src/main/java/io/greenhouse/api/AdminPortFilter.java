package io.greenhouse.api;

import io.greenhouse.backend.GardenException;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses every Garden route on the admin center's port ({@link AdminPort}), with Garden's error
 * JSON and 403. The hijacked process routes check it too (ProcessStreamFilter), so the order in
 * which the container runs the two filters does not matter.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class AdminPortFilter implements Filter {
    /** Field-injected: the servlet container constructs filters itself. */
    @Inject
    AdminPort adminPort;
    @Inject
    JsonBodies bodies;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (adminPort.received(request.getLocalPort())) {
            refuse(bodies, (HttpServletResponse) response);
            return;
        }
        chain.doFilter(request, response);
    }

    public static void refuse(JsonBodies bodies, HttpServletResponse response) throws IOException {
        GardenException e = new GardenException("the Garden API is not served on the admin center's port");
        byte[] body = bodies.write(GardenExceptionMapper.toError(e)).getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
