package io.greenhouse.api.stream;

import io.greenhouse.api.GardenPort;
import io.greenhouse.api.GardenPortFilter;
import io.greenhouse.api.GardenExceptionMapper;
import io.greenhouse.api.BodyTooLargeException;
import io.greenhouse.api.BoundedInputStream;
import io.greenhouse.api.JsonBodies;
import io.greenhouse.api.RequestLimits;
import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.ProcessSpec;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Garden's hijacked routes: Run, Attach and the stdout/stderr streams. JAX-RS cannot hand over
 * the raw socket after the headers, so these take it with a servlet upgrade: status, then
 * Content-Length 0 and Connection: close (Liberty then treats the socket as one-shot; server.xml
 * strips the header from the wire, where the Go client would refuse it), then our own bytes.
 * Every other route passes on to JAX-RS.
 */
@WebFilter(urlPatterns = "/containers/*", asyncSupported = true)
public class ProcessStreamFilter implements Filter {
    private static final Pattern RUN = Pattern.compile("^/containers/([^/]+)/processes/?$");
    private static final Pattern ATTACH = Pattern.compile("^/containers/([^/]+)/processes/([^/]+)$");
    private static final Pattern STREAM =
            Pattern.compile("^/containers/([^/]+)/processes/([^/]+)/attaches/([^/]+)/(stdout|stderr)$");
    /** How long output waits, rather than being dropped, for a new client's stdout/stderr requests. */
    private static final Duration ATTACH_HOLD = Duration.ofSeconds(5);

    @Inject
    GardenBackend backend;
    @Inject
    StreamRegistry streams;
    @Inject
    JsonBodies bodies;
    @Inject
    RequestLimits limits;
    @Inject
    GardenPort gardenPort;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        if (GardenPortFilter.refused(gardenPort, bodies, req, resp)) {
            return;
        }
        String path = req.getRequestURI();
        String method = req.getMethod();
        Matcher m;
        try {
            if ("POST".equals(method) && (m = RUN.matcher(path)).matches()) {
                run(req, resp, decode(m.group(1)));
            } else if ("GET".equals(method) && (m = STREAM.matcher(path)).matches()) {
                stream(req, resp, decode(m.group(1)), decode(m.group(2)), decode(m.group(3)), m.group(4));
            } else if ("GET".equals(method) && (m = ATTACH.matcher(path)).matches()) {
                attach(req, resp, decode(m.group(1)), decode(m.group(2)));
            } else {
                chain.doFilter(request, response);
            }
        } catch (RuntimeException e) {
            if (resp.isCommitted()) {
                throw e;
            }
            error(resp, e);
        }
    }

    private void run(HttpServletRequest req, HttpServletResponse resp, String handle) throws IOException {
        // The request stream ends at Content-Length: what the client sends later arrives on the
        // upgraded connection, even when it came in the same TCP segment.
        long max = limits.maxBodyBytes();
        if (req.getContentLengthLong() > max) {
            throw new BodyTooLargeException(max);
        }
        String body = new String(new BoundedInputStream(req.getInputStream(), max).readAllBytes(), StandardCharsets.UTF_8);
        ProcessSpec spec = ProcessSpecReader.read(body);
        ContainerProcess process = backend.run(handle, spec);
        control(req, resp, handle, process, HttpServletResponse.SC_CREATED);
    }

    private void attach(HttpServletRequest req, HttpServletResponse resp, String handle, String processId)
            throws IOException {
        ContainerProcess process = backend.attach(handle, processId);
        control(req, resp, handle, process, HttpServletResponse.SC_OK);
    }

    private void control(HttpServletRequest req, HttpServletResponse resp, String handle, ContainerProcess process,
                         int status) throws IOException {
        AutoCloseable activity = backend.activity(handle);
        try {
            process.holdOutput(ATTACH_HOLD);
            String streamId = streams.register(handle, process);
            ProcessControlConnection c = upgrade(req, resp, status, ProcessControlConnection.class);
            c.bind(process, streamId, activity);
        } catch (IOException | RuntimeException e) {
            closeQuietly(activity);
            throw e;
        }
    }

    private void stream(HttpServletRequest req, HttpServletResponse resp, String handle, String processId,
                        String streamId, String kind) throws IOException {
        ContainerProcess process = streams.claim(handle, processId, streamId, kind);
        ProcessOutputConnection c = upgrade(req, resp, HttpServletResponse.SC_OK, ProcessOutputConnection.class);
        c.bind(process, "stdout".equals(kind));
    }

    private <T extends UpgradedConnection> T upgrade(HttpServletRequest req, HttpServletResponse resp, int status,
                                                     Class<T> type) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(0);
        resp.setHeader("Connection", "close");
        T connection;
        try {
            connection = req.upgrade(type);
        } catch (ServletException e) {
            throw new IOException("upgrading the connection", e);
        }
        connection.registry(streams);
        return connection;
    }

    private void error(HttpServletResponse resp, RuntimeException e) throws IOException {
        byte[] body = bodies.write(GardenExceptionMapper.toError(e)).getBytes(StandardCharsets.UTF_8);
        resp.reset();
        resp.setStatus(GardenExceptionMapper.status(e));
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // releasing a grace-time hold cannot meaningfully fail
        }
    }

    @Override
    public void destroy() {
        streams.closeAll();
    }
}
