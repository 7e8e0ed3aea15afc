package io.swiftserve.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The CLI's side of the admin channel. */
public final class AdminClient {
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

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

    public JsonNode post(String path, Map<String, String> query, Duration timeout) throws NotRunningException, RequestException {
        return call("POST", path, query, new byte[0], timeout);
    }

    /** POSTs a stream (a file being added); {@code timeout} bounds the whole upload. */
    public JsonNode upload(String path, Map<String, String> query, java.util.function.Supplier<java.io.InputStream> body,
                           Duration timeout) throws NotRunningException, RequestException {
        return call("POST", path, query, HttpRequest.BodyPublishers.ofInputStream(body), timeout);
    }

    private JsonNode call(String method, String path, Map<String, String> query, byte[] body, Duration timeout)
            throws NotRunningException, RequestException {
        return call(method, path, query, HttpRequest.BodyPublishers.ofByteArray(body), timeout);
    }

    private JsonNode call(String method, String path, Map<String, String> query, HttpRequest.BodyPublisher body, Duration timeout)
            throws NotRunningException, RequestException {
        String port;
        String token;
        try {
            port = Files.readString(dataDir.resolve(AdminServer.PORT_FILE)).trim();
            token = Files.readString(dataDir.resolve(AdminServer.TOKEN_FILE)).trim();
        } catch (NoSuchFileException e) {
            throw new NotRunningException("no swiftserve daemon is running for " + dataDir + " (start it with 'swiftserve run --data " + dataDir + "')");
        } catch (IOException e) {
            throw new NotRunningException("cannot read the admin files in " + dataDir + ": " + e.getMessage());
        }
        String q = query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1" + path + (q.isEmpty() ? "" : "?" + q)))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .method(method, body)
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new NotRunningException("no swiftserve daemon is running for " + dataDir + " (nothing answers on 127.0.0.1:" + port + ")");
        } catch (IOException e) {
            throw new NotRunningException("the daemon for " + dataDir + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotRunningException("interrupted");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new RequestException("the daemon sent an unreadable answer (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() != 200) {
            throw new RequestException(json.path("error").asText("HTTP " + response.statusCode()));
        }
        return json;
    }
}
