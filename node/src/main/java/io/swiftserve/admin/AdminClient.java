package io.swiftserve.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The CLI's side of the admin channel. Plain {@link HttpURLConnection}: {@code java.net.http}'s
 * client initialises TLS even for http:// and cost every CLI command about half a second.
 */
public final class AdminClient {
    private final Path dataDir;
    private static final int CONNECT_TIMEOUT_MS = 3000;

    public AdminClient(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** The daemon of this data dir is not running (or not reachable). */
    public static final class NotRunningException extends Exception {
        public NotRunningException(String message) {
            super(message);
        }
    }

    /** The daemon refused the request; the message is its one-line reason. */
    public static final class RequestException extends Exception {
        public RequestException(String message) {
            super(message);
        }
    }

    public JsonNode get(String path, Map<String, String> query) throws NotRunningException, RequestException {
        return call("GET", path, query, new byte[0], Duration.ofSeconds(30));
    }

    public JsonNode post(String path, Map<String, String> query, Duration timeout)
            throws NotRunningException, RequestException {
        return call("POST", path, query, new byte[0], timeout);
    }

    /** POSTs a stream (a file being added); {@code timeout} bounds the whole upload. */
    public JsonNode upload(
            String path, Map<String, String> query, long length, Supplier<InputStream> body, Duration timeout)
            throws NotRunningException, RequestException {
        return call("POST", path, query, length, body, timeout);
    }

    private JsonNode call(String method, String path, Map<String, String> query, byte[] body, Duration timeout)
            throws NotRunningException, RequestException {
        return call(method, path, query, body.length, () -> new ByteArrayInputStream(body), timeout);
    }

    private JsonNode call(
            String method,
            String path,
            Map<String, String> query,
            long length,
            Supplier<InputStream> body,
            Duration timeout)
            throws NotRunningException, RequestException {
        String port;
        String token;
        try {
            port = Files.readString(dataDir.resolve(AdminServer.PORT_FILE)).trim();
            token = Files.readString(dataDir.resolve(AdminServer.TOKEN_FILE)).trim();
        } catch (NoSuchFileException e) {
            if (!Files.isRegularFile(dataDir.resolve(io.swiftserve.identity.KeyFile.NAME))) {
                throw new NotRunningException(
                        dataDir + " is not a swiftserve data dir (create one with 'swiftserve init --data " + dataDir
                                + "' or join a network with 'swiftserve run --data " + dataDir + " --join-file FILE')");
            }
            throw new NotRunningException("no swiftserve daemon is running for " + dataDir
                    + " (start it with 'swiftserve run --data " + dataDir + "')");
        } catch (IOException e) {
            throw new NotRunningException("cannot read the admin files in " + dataDir + ": " + e.getMessage());
        }
        String q = query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpURLConnection http;
        try {
            URL url = new URL("http://127.0.0.1:" + port + "/v1" + path + (q.isEmpty() ? "" : "?" + q));
            http = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
        } catch (IOException e) {
            throw new NotRunningException("bad admin port '" + port + "' in " + dataDir + ": " + e.getMessage());
        }
        http.setConnectTimeout(CONNECT_TIMEOUT_MS);
        // The daemon answers once the request is done (an add is sealed, a wait is over), so the
        // read timeout is the bound on the whole request.
        http.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        http.setRequestProperty("Authorization", "Bearer " + token);
        try {
            http.setRequestMethod(method);
        } catch (java.net.ProtocolException e) {
            throw new IllegalArgumentException(method, e);
        }
        int status;
        byte[] answer;
        try {
            if (method.equals("POST")) {
                http.setDoOutput(true);
                http.setFixedLengthStreamingMode(length);
                sendBody(http, body);
            }
            status = http.getResponseCode();
            try (InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (UploadCutOff e) {
            throw new RequestException(e.getMessage());
        } catch (ConnectException e) {
            throw new NotRunningException(
                    "no swiftserve daemon is running for " + dataDir + " (nothing answers on 127.0.0.1:" + port + ")");
        } catch (SocketTimeoutException e) {
            throw new NotRunningException(
                    "the daemon for " + dataDir + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new NotRunningException("the daemon for " + dataDir + " did not answer: " + e.getMessage());
        } finally {
            http.disconnect();
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw new RequestException("the daemon sent an unreadable answer (HTTP " + status + ")");
        }
        if (status != 200) {
            throw new RequestException(json.path("error").asText("HTTP " + status));
        }
        return json;
    }

    /**
     * Streams the body; if the daemon refuses the request part way (a bad path, a full disk) the
     * write fails, and its answer, read next, carries the reason.
     */
    private static void sendBody(HttpURLConnection http, Supplier<InputStream> body) throws IOException {
        long sent = 0;
        try (OutputStream out = http.getOutputStream();
                InputStream in = body.get()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = read(in, buf)) >= 0) {
                out.write(buf, 0, n);
                sent += n;
            }
        } catch (ConnectException e) {
            throw e;
        } catch (IOException e) {
            try {
                http.getResponseCode();
            } catch (IOException lost) {
                throw new UploadCutOff(
                        "the daemon stopped reading the upload after " + sent + " bytes (its log says why)", e);
            }
        }
    }

    private static final class UploadCutOff extends IOException {
        UploadCutOff(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static int read(InputStream in, byte[] buf) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the file being sent: " + e.getMessage(), e);
        }
    }
}
