package io.greenhouse.image;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pull side of the Registry HTTP API v2: manifests and blobs, with the registry's auth
 * challenges answered (Basic, or a Bearer token from the realm it names, with the image's
 * credentials if any), redirects followed without credentials to other hosts (blob storage),
 * retries with backoff on connection failures, 429 and 5xx, and timeouts.
 *
 * <p>Credentials live only in the {@link Credentials} passed per call and in tokens cached in
 * memory per registry and repository; nothing of them is logged or written anywhere.
 */
public final class RegistryClient {
    private static final Logger LOG = Logger.getLogger(RegistryClient.class.getName());
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final RegistrySettings settings;
    private final Sleeper sleeper;
    /** Authorization headers that worked, by registry, repository (tokens are scoped to one) and credentials. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    /** The image's own credentials; empty for anonymous pulls. Never logged. */
    public record Credentials(String username, String password) {
        public static final Credentials NONE = new Credentials("", "");

        public Credentials {
            username = username == null ? "" : username;
            password = password == null ? "" : password;
        }

        boolean present() {
            return !username.isEmpty() || !password.isEmpty();
        }

        /** Tells credentials apart without keeping them: a hash, not the password. */
        String fingerprint() {
            return present() ? Digest.sha256((username + "\0" + password).getBytes(StandardCharsets.UTF_8)).hex() : "-";
        }

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + "]";
        }
    }

    /** A manifest as the registry served it. */
    record Fetched(byte[] body, String contentType, Digest digest) { }

    /** Waits between tries; tests pass one that does not. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public RegistryClient(RegistrySettings settings) {
        this(HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build(), settings, d -> Thread.sleep(d.toMillis()));
    }

    RegistryClient(HttpClient http, RegistrySettings settings, Sleeper sleeper) {
        this.http = http;
        this.settings = settings;
        this.sleeper = sleeper;
    }

    /** Fetches the manifest (or index) the reference names; its digest is checked when pinned. */
    Fetched manifest(ImageUri.Registry image, String reference, Credentials credentials) {
        HttpResponse<InputStream> r = get(image, "/manifests/" + reference, Manifests.ACCEPT, credentials);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(4 << 20);
            if (in.read() >= 0) {
                throw new RegistryException("image " + image + ": manifest larger than 4 MiB", r.statusCode());
            }
        } catch (IOException e) {
            throw unreachable(image, e);
        }
        Digest digest = Digest.sha256(body);
        if (reference.contains(":")) {
            Digest wanted = Digest.parse(reference);
            byte[] actual = wanted.newMessageDigest().digest(body);
            if (!wanted.matches(actual)) {
                throw new RegistryException("image " + image + ": digest mismatch: the manifest served for "
                        + wanted + " has another digest", r.statusCode());
            }
            digest = wanted;
        }
        return new Fetched(body, r.headers().firstValue("Content-Type").orElse(""), digest);
    }

    /** Opens a blob's body; the caller verifies its digest as it reads (layers are large). */
    InputStream blob(ImageUri.Registry image, Digest digest, Credentials credentials) {
        return StallGuard.guard(get(image, "/blobs/" + digest, "*/*", credentials).body(), settings.requestTimeout());
    }

    /** A blob read whole (configs); its digest is checked. */
    byte[] smallBlob(ImageUri.Registry image, Digest digest, Credentials credentials) {
        try (InputStream in = blob(image, digest, credentials)) {
            byte[] body = in.readNBytes(16 << 20);
            if (!digest.matches(digest.newMessageDigest().digest(body))) {
                throw new RegistryException("image " + image + ": digest mismatch for blob " + digest, 200);
            }
            return body;
        } catch (IOException e) {
            throw unreachable(image, e);
        }
    }

    /** The registry's base URL: http for loopback and insecure registries, https otherwise. */
    URI base(ImageUri.Registry image) {
        String host = image.dockerHub() ? (settings.hubMirror().isEmpty() ? ImageUri.DOCKER_HUB : settings.hubMirror())
                : image.registry();
        if (host.contains("://")) {
            return URI.create(host.endsWith("/") ? host.substring(0, host.length() - 1) : host);
        }
        boolean plain = settings.insecure().contains(host) || settings.insecure().contains(hostOnly(host))
                || isLoopback(hostOnly(host));
        return URI.create((plain ? "http://" : "https://") + host);
    }

    private static String hostOnly(String host) {
        if (host.startsWith("[")) {
            return host.substring(0, host.indexOf(']') + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** Loopback by name or literal only: no DNS look-up decides whether credentials go out in clear. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private HttpResponse<InputStream> get(ImageUri.Registry image, String path, String accept, Credentials credentials) {
        URI uri = URI.create(base(image) + "/v2/" + image.repository() + path);
        // Tokens are reused only with the credentials that earned them: a pull with other (or no)
        // credentials must face the registry's own check, never ride on an earlier pull's token.
        String key = base(image) + "|" + image.repository() + "|" + credentials.fingerprint();
        String authorization = authorizations.get(key);
        boolean challenged = false;
        while (true) {
            HttpResponse<InputStream> r = send(image, uri, accept, authorization);
            int status = r.statusCode();
            if (status == 401 && !challenged) {
                challenged = true;
                String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
                discard(r);
                authorization = answer(image, challenge, credentials);
                continue;
            }
            if (status / 100 == 2) {
                if (authorization != null) {
                    authorizations.put(key, authorization);
                }
                return r;
            }
            String detail = errorDetail(r);
            if (status == 401 || status == 403) {
                authorizations.remove(key);
                throw new RegistryException("image " + image + ": authentication refused by the registry ("
                        + status + (credentials.present() ? ", with the given credentials" : ", without credentials")
                        + ")" + detail, status);
            }
            if (status == 404) {
                throw new RegistryException("image " + image + ": not found in the registry ("
                        + path.substring(1).replaceFirst("/.*", "") + " " + path.substring(path.lastIndexOf('/') + 1)
                        + ")" + detail, status);
            }
            throw new RegistryException("image " + image + ": registry answered " + status + " for " + path + detail, status);
        }
    }

    /** Answers a 401's challenge with an Authorization header, fetching a token for Bearer. */
    private String answer(ImageUri.Registry image, String challenge, Credentials credentials) {
        String scheme = challenge.split(" ", 2)[0].toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        if (scheme.equals("basic")) {
            if (!credentials.present()) {
                throw new RegistryException("image " + image + ": the registry asks for credentials and none were given", 401);
            }
            return credentials.basic();
        }
        if (!scheme.equals("bearer") || !params.containsKey("realm")) {
            throw new RegistryException("image " + image + ": unsupported authentication challenge '"
                    + challenge.split(" ", 2)[0] + "'", 401);
        }
        StringBuilder url = new StringBuilder(params.get("realm"));
        url.append(url.indexOf("?") < 0 ? '?' : '&');
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        String scope = params.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI realm = URI.create(url.toString());
        if (credentials.present() && "http".equals(realm.getScheme()) && !isLoopback(realm.getHost())
                && !settings.insecure().contains(realm.getHost())) {
            throw new RegistryException("image " + image + ": the token realm " + realm.getHost()
                    + " is plain http; credentials are not sent there (list it as insecure to allow it)", 401);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(realm).timeout(settings.requestTimeout()).GET();
        if (credentials.present()) {
            request.header("Authorization", credentials.basic());
        }
        HttpResponse<InputStream> r = withRetries(image, () -> http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            discard(r);
            throw new RegistryException("image " + image + ": authentication refused by the token service "
                    + realm.getHost() + (credentials.present() ? " for user " + credentials.username() : ""), r.statusCode());
        }
        if (r.statusCode() / 100 != 2) {
            discard(r);
            throw new RegistryException("image " + image + ": token service " + realm.getHost() + " answered "
                    + r.statusCode(), r.statusCode());
        }
        try (InputStream in = r.body(); JsonReader reader = Json.createReader(in)) {
            JsonObject json = reader.readObject();
            String token = json.getString("token", json.getString("access_token", ""));
            if (token.isEmpty()) {
                throw new RegistryException("image " + image + ": the token service gave no token", r.statusCode());
            }
            return "Bearer " + token;
        } catch (IOException | JsonException | ClassCastException e) {
            throw new RegistryException("image " + image + ": unreadable token answer: " + e.getMessage(), r.statusCode());
        }
    }

    /** One GET, redirects followed by hand: credentials go only to the registry itself. */
    private HttpResponse<InputStream> send(ImageUri.Registry image, URI uri, String accept, String authorization) {
        URI target = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(settings.requestTimeout()).GET()
                    .header("Accept", accept);
            if (authorization != null && sameOrigin(uri, target)) {
                b.header("Authorization", authorization);
            }
            HttpRequest request = b.build();
            HttpResponse<InputStream> r = withRetries(image, () -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
            int status = r.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = r.headers().firstValue("Location").orElse("");
                discard(r);
                URI next = target.resolve(location);
                if ("https".equals(target.getScheme()) && !"https".equals(next.getScheme())) {
                    throw new RegistryException("image " + image + ": the registry redirects from https to "
                            + next.getScheme(), status);
                }
                target = next;
                continue;
            }
            return r;
        }
        throw new RegistryException("image " + image + ": more than " + MAX_REDIRECTS + " redirects", 0);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    interface Call {
        HttpResponse<InputStream> send() throws IOException, InterruptedException;
    }

    /** Tries a request again after connection failures, timeouts, 429 and 5xx answers. */
    private HttpResponse<InputStream> withRetries(ImageUri.Registry image, Call call) {
        Duration wait = settings.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<InputStream> r = call.send();
                boolean transient_ = r.statusCode() == 429 || r.statusCode() / 100 == 5;
                if (!transient_ || attempt >= settings.attempts()) {
                    return r;
                }
                discard(r);
                int a = attempt;
                long ms = wait.toMillis();
                LOG.info(() -> "image " + image + ": registry answered " + r.statusCode() + ", try " + a + " of "
                        + settings.attempts() + "; trying again in " + ms + " ms");
            } catch (IOException e) {
                if (attempt >= settings.attempts()) {
                    throw unreachable(image, e);
                }
                int a = attempt;
                long ms = wait.toMillis();
                LOG.info(() -> "image " + image + ": " + describe(e) + ", try " + a + " of " + settings.attempts()
                        + "; trying again in " + ms + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("image " + image + ": interrupted", 0);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("image " + image + ": interrupted", 0);
            }
            wait = wait.multipliedBy(2);
        }
    }

    private RegistryException unreachable(ImageUri.Registry image, IOException e) {
        return new RegistryException("image " + image + ": registry " + base(image).getAuthority()
                + " unreachable: " + describe(e), 0);
    }

    static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
    }

    /** The registry's error code and message, from its JSON error body when it sent one. */
    private static String errorDetail(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            byte[] body = in.readNBytes(8192);
            try (JsonReader reader = Json.createReader(new java.io.ByteArrayInputStream(body))) {
                List<jakarta.json.JsonValue> errors = reader.readObject().getJsonArray("errors");
                if (errors != null && !errors.isEmpty()) {
                    JsonObject first = errors.get(0).asJsonObject();
                    return ": " + first.getString("code", "") + " " + first.getString("message", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no JSON error body: the status says enough
        }
        return "";
    }

    private static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.skip(1 << 16);
        } catch (IOException e) {
            // the connection is given up anyway
        }
    }
}
