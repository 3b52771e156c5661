package io.greenhouse.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The container and process a request's path names ({@code /containers/H/processes/P/...}); null where none. */
record ContainerPath(String handle, String processId) {
    private static final Pattern PATH = Pattern.compile("^/containers/([^/]+)(?:/processes/([^/]+))?(?:/.*)?$");
    /** Routes under /containers that name no container. */
    private static final Set<String> NOT_HANDLES = Set.of("bulk_info", "bulk_metrics");

    static final ContainerPath NONE = new ContainerPath(null, null);

    /** From the raw (percent-encoded) request URI. */
    static ContainerPath of(String requestUri) {
        String path;
        try {
            path = new URI(requestUri).getPath();
        } catch (URISyntaxException e) {
            return NONE;
        }
        Matcher m = path == null ? null : PATH.matcher(path);
        if (m == null || !m.matches() || NOT_HANDLES.contains(m.group(1))) {
            return NONE;
        }
        return new ContainerPath(m.group(1), m.group(2));
    }
}
