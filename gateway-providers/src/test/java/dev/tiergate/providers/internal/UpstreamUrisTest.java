package dev.tiergate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UpstreamUrisTest {

    @Test
    void joinsBaseUrlsAndPathsWithOneSlash() {
        assertThat(UpstreamUris.resolve(URI.create("https://api.openai.com/v1"), "chat/completions"))
                .hasToString("https://api.openai.com/v1/chat/completions");
        assertThat(UpstreamUris.resolve(URI.create("https://api.openai.com/v1/"), "/embeddings"))
                .hasToString("https://api.openai.com/v1/embeddings");
        assertThat(UpstreamUris.resolve(URI.create("http://localhost:11434"), "chat/completions"))
                .hasToString("http://localhost:11434/chat/completions");
    }

    @Test
    void keepsTheBaseQueryAtTheEndBeforeTheCallsOwn() {
        assertThat(UpstreamUris.resolve(
                URI.create("https://x.openai.azure.com/openai/deployments/d1?api-version=2024-10-21"), "chat/completions"))
                .hasToString("https://x.openai.azure.com/openai/deployments/d1/chat/completions?api-version=2024-10-21");
        assertThat(UpstreamUris.resolve(URI.create("https://proxy.example/anthropic/v1/?tenant=a"), "messages"))
                .hasToString("https://proxy.example/anthropic/v1/messages?tenant=a");
        assertThat(UpstreamUris.resolve(URI.create("https://proxy.example/g/v1beta/?t=1"), "models/m:streamGenerateContent",
                "alt=sse")).hasToString("https://proxy.example/g/v1beta/models/m:streamGenerateContent?t=1&alt=sse");
        assertThat(UpstreamUris.resolve(URI.create("https://g.example/v1beta"), "models/m:generateContent", "alt=sse"))
                .hasToString("https://g.example/v1beta/models/m:generateContent?alt=sse");
    }

    @Test
    void aPathThatMakesNoUriIsRefused() {
        assertThatThrownBy(() -> UpstreamUris.resolve(URI.create("https://api.openai.com/v1"), "a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: an absolute http(s) URL");
    }
}
