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
import java.util.Optional;

/**
 * Refuses, with Garden's error JSON and 403, every request {@link GardenPort} says is not to be
 * served. The hijacked process routes check it too (ProcessStreamFilter), so the order in which
 * the container runs the two filters does not matter.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class GardenPortFilter implements Filter {
    /** Field-injected: the servlet container constructs filters itself. */
    @Inject
    GardenPort gardenPort;
    @Inject
    JsonBodies bodies;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (refused(gardenPort, bodies, request, (HttpServletResponse) response)) {
            return;
        }
        chain.doFilter(request, response);
    }

    /** Answers the refusal when there is one; true when it did. */
    public static boolean refused(GardenPort port, JsonBodies bodies, ServletRequest request,
                                  HttpServletResponse response) throws IOException {
        Optional<String> why = port.refusal(request.getLocalPort(), request.isSecure());
        if (why.isEmpty()) {
            return false;
        }
        byte[] body = bodies.write(GardenExceptionMapper.toError(new GardenException(why.get())))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        return true;
    }
}
