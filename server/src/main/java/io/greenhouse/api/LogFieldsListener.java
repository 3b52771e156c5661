package io.greenhouse.api;

import io.greenhouse.backend.LogContext;
import jakarta.inject.Inject;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Every line a request's thread logs names the container (and process) the request's path names,
 * as JSON log fields. A listener rather than a filter: it runs around every request, the
 * hijacked process routes' filter included, whatever order filters run in.
 */
@WebListener
public class LogFieldsListener implements ServletRequestListener {
    @Inject
    LogContext logContext;

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (event.getServletRequest() instanceof HttpServletRequest request) {
            ContainerPath path = ContainerPath.of(request.getRequestURI());
            if (path.handle() != null) {
                logContext.enter(path.handle(), path.processId());
                return;
            }
        }
        logContext.clear();
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        logContext.clear();
    }
}
