package dev.tiergate.inference;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tiergate.inference.embedding.EmbeddingModel;
import dev.tiergate.inference.embedding.OnnxSentenceEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a fresh JVM by {@link OfflineLoadTest}: records (and refuses) every HTTP URL the JVM
 * opens, does one thing with DJL, and prints the URLs on a line starting with {@link #OPENED}.
 * A URL stream handler sees what a proxy selector cannot: DJL opens its connections with
 * {@code Proxy.NO_PROXY}.
 */
public final class NetworkProbe {
    static final String OPENED = "opened:";

    private NetworkProbe() {
    }

    public static void main(String[] args) throws IOException {
        List<String> opened = new CopyOnWriteArrayList<>();
        URL.setURLStreamHandlerFactory(protocol -> !protocol.startsWith("http") ? null : new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL url) throws IOException {
                return openConnection(url, Proxy.NO_PROXY);
            }

            @Override
            protected URLConnection openConnection(URL url, Proxy proxy) throws IOException {
                opened.add(url.toString());
                throw new IOException("no network in this test");
            }
        });
        switch (args[0]) {
            case "bare-djl" -> {
                // What DJL does without OnnxRuntimeSetup: creating a tokenizer calls home.
                String name = EmbeddingModel.ALL_MINILM_L6_V2_Q.tokenizerResource();
                try (InputStream in = NetworkProbe.class.getClassLoader().getResourceAsStream(name)) {
                    HuggingFaceTokenizer.newInstance(in, Map.of()).close();
                }
            }
            case "embedder" -> {
                try (OnnxSentenceEmbedder embedder = OnnxSentenceEmbedder.create()) {
                    embedder.embed("hello");
                }
            }
            default -> throw new IllegalArgumentException("probe: " + args[0] + " (expected: bare-djl or embedder)");
        }
        System.out.println(OPENED + String.join(" ", opened));
    }
}
