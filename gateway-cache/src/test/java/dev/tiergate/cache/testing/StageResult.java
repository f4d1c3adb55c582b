package dev.tiergate.cache.testing;

import dev.tiergate.core.model.ChatChunk;
import dev.tiergate.core.model.ChatCompletion;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.CacheOutcome;
import dev.tiergate.core.pipeline.RequestFacts;
import dev.tiergate.core.pipeline.Served;
import java.util.List;
import reactor.core.publisher.Flux;

/** What a pipeline run in a test answered, the facts of the request, and the runner's steps ({@code stage:outcome}). */
public record StageResult(Answer answer, RequestFacts facts, List<String> steps) {

    /** The request's cache outcome over both layers, or null. */
    public CacheOutcome cache() {
        CacheLookup lookup = facts.cache();
        return lookup == null ? null : lookup.outcome();
    }

    public CacheLookup lookup() {
        return facts.cache();
    }

    public Served served() {
        return facts.served().get();
    }

    public ChatCompletion completion() {
        return ((Answer.Complete) answer).completion();
    }

    public Flux<ChatChunk> chunks() {
        return ((Answer.Stream) answer).chunks();
    }

    public boolean isStream() {
        return answer instanceof Answer.Stream;
    }
}
