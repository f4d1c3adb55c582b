package dev.tiergate.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's static files on the management port: {@code /dashboard} redirects to
 * {@code /dashboard/} (the page), each file of the jar's {@code dashboard/} folder comes with its type
 * and the security headers, nothing outside that folder can be named, and the API port has none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardAssetsEndToEndTest {
    private static final String CSP = "default-src 'self'; img-src 'self' data:";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestGateway gateway;

    @BeforeAll
    void start() throws InterruptedException {
        gateway = TestGateway.start("server: {host: 127.0.0.1}\n" + TestGateway.DEMO_TIERS_YAML);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private HttpResponse<byte[]> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DashboardAssetsEndToEndTest.class.getClassLoader().getResourceAsStream("dashboard/" + name)) {
            assertThat(in).as("dashboard/" + name + " in the jar").isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void theFolderWithoutItsSlashRedirectsToThePage() throws Exception {
        HttpResponse<byte[]> response = get(gateway.managementUri("/dashboard"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValue("/dashboard/");
    }

    @Test
    void thePageIsIndexHtmlWithTheSecurityHeaders() throws Exception {
        HttpResponse<byte[]> response = get(gateway.managementUri("/dashboard/"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(resource("index.html"));
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("content-security-policy")).hasValue(CSP);
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("x-tiergate-request-id")).isPresent();
        String page = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(page).as("no inline script or style: the CSP would refuse them")
                .doesNotContain("<script>").doesNotContain("<style").doesNotContain(" style=")
                .doesNotContainPattern("\\son[a-z]+=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.js:text/javascript; charset=utf-8", "app.css:text/css; charset=utf-8",
        "chart.umd.min.js:text/javascript; charset=utf-8", "chart.js-LICENSE.md:text/plain; charset=utf-8",
        "favicon.svg:image/svg+xml", "index.html:text/html; charset=utf-8"})
    void eachFileComesWithItsType(String fileAndType) throws Exception {
        String file = fileAndType.substring(0, fileAndType.indexOf(':'));
        HttpResponse<byte[]> response = get(gateway.managementUri("/dashboard/" + file));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(resource(file));
        assertThat(response.headers().firstValue("content-type")).hasValue(fileAndType.substring(file.length() + 1));
        assertThat(response.headers().firstValue("content-security-policy")).hasValue(CSP);
        assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void anUnchangedFileIsNotSentAgain() throws Exception {
        HttpResponse<byte[]> first = get(gateway.managementUri("/dashboard/app.js"));
        String etag = first.headers().firstValue("etag").orElseThrow();

        HttpResponse<byte[]> again = get(gateway.managementUri("/dashboard/app.js"), "If-None-Match", etag);

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get(gateway.managementUri("/dashboard/app.js"), "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/nope.js", "/dashboard/..%2Ftiergate-prices.yaml", "/dashboard/%2E%2E",
        "/dashboard/.hidden", "/dashboard/..", "/dashboard/%2e%2e%2ftiergate-prices.yaml", "/dashboard/a%00.js",
        "/dashboard/sub/app.js", "/dashboard/%5C..%5Ctiergate-prices.yaml"})
    void nothingOutsideTheFolderCanBeNamed(String path) throws Exception {
        HttpResponse<byte[]> response = get(gateway.managementUri(path));

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).doesNotContain("<configuration")
                .doesNotContain("models:");
    }

    @Test
    void theApiPortHasNoDashboard() throws Exception {
        assertThat(get(gateway.uri("/dashboard/")).statusCode()).isEqualTo(404);
        assertThat(get(gateway.uri("/dashboard/app.js")).statusCode()).isEqualTo(404);
    }
}
