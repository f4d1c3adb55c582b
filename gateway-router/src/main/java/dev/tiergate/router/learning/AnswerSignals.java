package dev.tiergate.router.learning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.AnswerHook;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import java.util.function.Consumer;

/**
 * Watches one routed answer for the implicit signals that it was not good enough: an escalation or
 * fallback away from the chosen tier, {@code finish_reason: length}, a client that cancelled the
 * stream, an answer that fails the requested JSON schema. Each signal the team switched on is handed
 * to {@code onSignal} (at most the first; the log keeps one implicit reward per request). Streams are
 * wrapped, never consumed; the text is kept only when a schema must be checked, up to 1 MiB.
 */
final class AnswerSignals implements AnswerHook {
    private static final int MAX_TEXT = 1 << 20;

    private final String tier;
    private final RequestFacts facts;
    private final ImplicitSignals enabled;
    private final JsonNode schema;
    private final Consumer<String> onSignal;

    AnswerSignals(String tier, RequestFacts facts, ImplicitSignals enabled, JsonNode schema, Consumer<String> onSignal) {
        this.tier = tier;
        this.facts = facts;
        this.enabled = enabled;
        this.schema = schema;
        this.onSignal = onSignal;
    }

    @Override
    public Answer answered(Answer answer) {
        return switch (answer) {
            case Answer.Complete complete -> {
                ChatCompletion c = complete.completion();
                ChatCompletion.Choice first = c.choices().isEmpty() ? null : c.choices().getFirst();
                finished(first == null ? null : first.finishReason(),
                        first == null || first.message() == null ? null : first.message().text(), true);
                yield answer;
            }
            case Answer.Stream stream -> {
                StreamWatch watch = new StreamWatch();
                yield stream.withChunks(stream.chunks()
                        .doOnNext(watch::chunk)
                        .doOnComplete(() -> finished(watch.finishReason,
                                watch.text == null ? null : watch.text.toString(), watch.text != null))
                        .doOnCancel(() -> signal(ImplicitSignals.CLIENT_LEFT)));
            }
            case Answer.Embeddings embeddings -> answer;
        };
    }

    /** {@code checkable}: the whole text is at hand (a stream's may have been too long to keep). */
    private void finished(String finishReason, String text, boolean checkable) {
        Served served = facts.served().get();
        if (served != null && (served.fallbackFrom() != null || served.tier() != null && !served.tier().equals(tier))) {
            signal(ImplicitSignals.ESCALATION);
        } else if ("length".equals(finishReason)) {
            signal(ImplicitSignals.TRUNCATED);
        } else if (schema != null && checkable && SchemaCheck.fails(schema, text)) {
            signal(ImplicitSignals.SCHEMA_FAILURE);
        }
    }

    private void signal(String name) {
        if (enabled.enabled(name)) {
            onSignal.accept(name);
        }
    }

    /** What a stream showed so far. */
    private final class StreamWatch {
        private String finishReason;
        private StringBuilder text = schema == null ? null : new StringBuilder();

        void chunk(ChatChunk chunk) {
            String reason = chunk.finishReason();
            if (reason != null) {
                finishReason = reason;
            }
            if (text != null) {
                for (ChatChunk.ChunkChoice choice : chunk.choices()) {
                    if (choice.delta() != null && choice.delta().content() != null) {
                        text.append(choice.delta().content());
                    }
                }
                if (text.length() > MAX_TEXT) {
                    text = null;
                }
            }
        }
    }
}
