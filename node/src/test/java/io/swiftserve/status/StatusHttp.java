package io.swiftserve.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swiftserve.admin.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP to one node's status server, every request with a time limit. */
final class StatusHttp {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    /** {@code baseUrl} is the node's status URL, ending in "/". */
    StatusHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** GET {@code path} (relative to the page); asserts a 200 JSON answer. */
    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = request("GET", path, null);
        assertThat(r.statusCode()).as("GET /" + path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return Json.MAPPER.readTree(r.body());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return request("GET", path, null);
    }

    /** {@code method} on {@code path}, with a small body unless GET; {@code accept} may be null. */
    HttpResponse<String> request(String method, String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        method.equals("GET")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
