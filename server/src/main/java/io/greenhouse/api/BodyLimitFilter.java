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
 * its tar streams through with limits of its own. So does a checkpoint archive brought in by
 * {@code PUT /containers/:handle/checkpoint} (bounded by greenhouse.checkpoint.archive.max).
 */
@Provider
@PreMatching
@ApplicationScoped
public class BodyLimitFilter implements ContainerRequestFilter {
    private static final Pattern STREAM_IN = Pattern.compile("/?containers/[^/]+/files/?");
    private static final Pattern CHECKPOINT = Pattern.compile("/?containers/[^/]+/checkpoint/?");

    /**
     * Field-injected: RESTEasy picks a provider's constructor itself and accepts only a public one
     * without CDI parameters, so the constructor injection used elsewhere fails every request here.
     */
    @Inject
    RequestLimits limits;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (STREAM_IN.matcher(path).matches()
                || "PUT".equals(request.getMethod()) && CHECKPOINT.matcher(path).matches()) {
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
