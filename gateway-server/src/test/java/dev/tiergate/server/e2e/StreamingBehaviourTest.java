package dev.tiergate.server.e2e;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Streams under load, and a client that goes away mid-stream. */
class StreamingBehaviourTest {

    @Test
    void twoHundredConcurrentStreamsAllCompleteIntact() throws Exception {
        WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(260)
                .jettyAcceptors(2));
        upstream.start();
        UpstreamFixtures.stubChat(upstream, 4, 200);
        try (TestGateway gateway = TestGateway.start(UpstreamFixtures.gatewayYaml(upstream.port(), 1 << 20))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                HttpRequest req = HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + TestGateway.KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}]}"))
                        .build();
                calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            Pattern content = Pattern.compile("\"content\":\"([^\"]*)\"");
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> res = call.join();
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
                StringBuilder text = new StringBuilder();
                Matcher m = content.matcher(res.body());
                while (m.find()) {
                    text.append(m.group(1));
                }
                assertThat(text.toString()).isEqualTo(UpstreamFixtures.ANSWER_WORDS);
                assertThat(res.body()).endsWith("data: [DONE]\n\n");
            }
        } finally {
            upstream.stop();
        }
    }

    @Test
    void clientDisconnectMidStreamClosesTheUpstreamConnection() throws Exception {
        try (ServerSocket fakeUpstream = new ServerSocket(0)) {
            CountDownLatch upstreamSawEof = new CountDownLatch(1);
            Thread upstreamThread = Thread.ofVirtual().start(() -> serveOneEndlessStream(fakeUpstream, upstreamSawEof));
            try (TestGateway gateway = TestGateway.start(UpstreamFixtures.gatewayYaml(fakeUpstream.getLocalPort(), 1 << 20));
                 Socket client = new Socket("127.0.0.1", gateway.port())) {
                String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}";
                OutputStream out = client.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = client.getInputStream();
                ByteArrayOutputStream seen = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                client.setSoTimeout(10_000);
                while (!seen.toString(StandardCharsets.UTF_8).contains("first")) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    seen.write(buf, 0, n);
                }
                assertThat(seen.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
                client.close();
                assertThat(upstreamSawEof.await(10, TimeUnit.SECONDS))
                        .as("upstream connection closed after the client went away").isTrue();
            }
            upstreamThread.join(5_000);
        }
    }

    /** Answers one streaming request with one chunk and then nothing, until the gateway hangs up. */
    private static void serveOneEndlessStream(ServerSocket server, CountDownLatch sawEof) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!req.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                req.write(buf, 0, n);
            }
            String chunk = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"},\"finish_reason\":null}]}\n\n";
            String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
            byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.UTF_8));
            out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.setSoTimeout(15_000);
            while (in.read(buf) >= 0) {
                // drain until the gateway closes the connection
            }
            sawEof.countDown();
        } catch (java.net.SocketTimeoutException e) {
            // the gateway kept the connection open: sawEof stays down and the test fails
        } catch (java.io.IOException e) {
            sawEof.countDown(); // a reset is a close too
        }
    }
}
