package dev.tiergate.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls to the dashboard's API on a gateway's management port, as a browser makes them (a session cookie). */
final class DashboardCalls {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DashboardCalls() {
    }

    /** {@code POST /dashboard/api/login} with {@code key} as JSON. */
    static HttpResponse<String> login(TestGateway gateway, String key) {
        return send(HttpRequest.newBuilder(gateway.managementUri("/dashboard/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}")));
    }

    /** Logs in with the admin key; the session cookie ({@code name=value}) to send back. */
    static String session(TestGateway gateway) {
        HttpResponse<String> response = login(gateway, AccountingFixtures.ADMIN_KEY);
        if (response.statusCode() != 204) {
            throw new AssertionError("login: " + response.statusCode() + " " + response.body());
        }
        String setCookie = response.headers().firstValue("set-cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** A GET of the dashboard's API with {@code cookie} (null: none). */
    static HttpResponse<String> get(TestGateway gateway, String path, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.managementUri(path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    /** A GET that must answer 200; its JSON. */
    static JsonNode view(TestGateway gateway, String path, String cookie) {
        HttpResponse<String> response = get(gateway, path, cookie);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return AccountingFixtures.json(response.body());
    }

    static HttpResponse<String> logout(TestGateway gateway, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.managementUri("/dashboard/api/logout"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
