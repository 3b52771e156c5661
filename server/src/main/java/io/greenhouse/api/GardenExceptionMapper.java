package io.greenhouse.api;

import io.greenhouse.api.wire.ErrorJson;
import io.greenhouse.backend.ContainerNotFoundException;
import io.greenhouse.backend.ExecutableNotFoundException;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessNotFoundException;
import io.greenhouse.backend.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Renders every failure as Garden's error JSON with the status the Go client expects: 404 for
 * unknown containers and processes, 500 for everything else. Stack traces stay in the log.
 */
@Provider
public class GardenExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(GardenExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        Throwable f = garden(failure);
        return toResponse(toError(f), status(f));
    }

    /** The Garden failure a provider wrapped (a body reader's), or the failure itself. */
    static Throwable garden(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof GardenException) {
                return t;
            }
        }
        return failure;
    }

    public static Response toResponse(ErrorJson error, int status) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    public static int status(Throwable failure) {
        if (failure instanceof ContainerNotFoundException || failure instanceof ProcessNotFoundException) {
            return 404;
        }
        if (failure instanceof BodyTooLargeException) {
            return 413;
        }
        if (failure instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            return w.getResponse().getStatus();
        }
        return 500;
    }

    public static ErrorJson toError(Throwable failure) {
        if (failure instanceof ContainerNotFoundException e) {
            return new ErrorJson("ContainerNotFoundError", e.getMessage(), e.handle(), "", "");
        }
        if (failure instanceof ProcessNotFoundException e) {
            return new ErrorJson("ProcessNotFoundError", e.getMessage(), "", e.processId(), "");
        }
        if (failure instanceof ExecutableNotFoundException e) {
            return new ErrorJson("ExecutableNotFoundError", e.getMessage(), "", "", "");
        }
        if (failure instanceof ServiceUnavailableException e) {
            return new ErrorJson("ServiceUnavailableError", e.getMessage(), "", "", "");
        }
        if (failure instanceof GardenException e) {
            LOG.log(Level.FINE, "request failed", e);
            return plain(e.getMessage());
        }
        if (failure instanceof WebApplicationException w && w.getResponse().getStatus() < 500) {
            return plain(w.getMessage());
        }
        LOG.log(Level.WARNING, "request failed unexpectedly", failure);
        return plain(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    private static ErrorJson plain(String message) {
        return new ErrorJson("", String.valueOf(message), "", "", "");
    }
}
