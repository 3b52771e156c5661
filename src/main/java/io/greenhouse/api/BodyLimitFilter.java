package io.greenhouse.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

import java.util.regex.Pattern;

/**
 * Bounds every JSON request body before a resource reads it whole: a declared Content-Length past
 * the limit is refused at once, a chunked body once it passes the limit. StreamIn is left alone:
 * its tar streams through with limits of its own.
 */
@Provider
@PreMatching
@ApplicationScoped // a CDI bean, so the limits are injected (JAX-RS alone cannot construct it)
public class BodyLimitFilter implements ContainerRequestFilter {
    private static final Pattern STREAM_IN = Pattern.compile("/?containers/[^/]+/files/?");

    private RequestLimits limits;

    protected BodyLimitFilter() {
    }

    @Inject
    public BodyLimitFilter(RequestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (STREAM_IN.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        long max = limits.maxBodyBytes();
        if (request.getLength() > max) {
            BodyTooLargeException e = new BodyTooLargeException(max);
            request.abortWith(GardenExceptionMapper.toResponse(GardenExceptionMapper.toError(e),
                    GardenExceptionMapper.status(e)));
            return;
        }
        request.setEntityStream(new BoundedInputStream(request.getEntityStream(), max));
    }
}
