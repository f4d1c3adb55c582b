package dev.tiergate.cache.exact;

import static java.util.Objects.requireNonNull;

import dev.tiergate.core.config.ModelConfig;
import dev.tiergate.core.error.UpstreamError;
import dev.tiergate.core.model.EmbeddingRequest;
import dev.tiergate.core.pipeline.Answer;
import dev.tiergate.core.pipeline.CacheLookup;
import dev.tiergate.core.pipeline.Exchange;
import dev.tiergate.core.pipeline.FailurePolicy;
import dev.tiergate.core.pipeline.NamedStage;
import dev.tiergate.core.pipeline.Served;
import dev.tiergate.core.pipeline.StageStep;
import dev.tiergate.core.provider.ModelCatalog;
import java.util.concurrent.CompletionStage;

/**
 * The exact cache of the embeddings pipeline, per input string ({@link EmbeddingCache}): a request
 * whose every input is stored is answered at once (outcome {@code hit}, no upstream call, no
 * tokens billed); otherwise only the inputs not stored go on, and the answer is put back together
 * in the request's order on its way back. Its {@code exactCache} fact says how many inputs were
 * stored of how many.
 */
public final class EmbeddingCacheStage extends NamedStage {
    public static final String NAME = "embeddings-cache";

    private final EmbeddingCache cache;
    private final ModelCatalog catalog;

    public EmbeddingCacheStage(EmbeddingCache cache, ModelCatalog catalog) {
        super(NAME, FailurePolicy.FAIL_OPEN);
        this.cache = requireNonNull(cache, "cache");
        this.catalog = requireNonNull(catalog, "catalog");
    }

    public EmbeddingCache cache() {
        return cache;
    }

    @Override
    public CompletionStage<StageStep> before(Exchange exchange) {
        EmbeddingRequest request = exchange.embeddings();
        EmbeddingCache.Lookup lookup = cache.lookup(exchange.caller(), request.model(), request,
                exchange.cacheDirectives());
        if (lookup == null) {
            exchange.facts().exactCache().set(CacheLookup.bypass());
            return StageStep.proceed(exchange, "bypass");
        }
        exchange.facts().exactCache().set(CacheLookup.inputs(lookup.hits(), lookup.size()));
        if (lookup.complete()) {
            ModelConfig model = catalog.resolveEmbedding(exchange.caller().team(), request.model());
            exchange.facts().served().set(Served.fromCache(model.provider(), model.name(), null));
            return StageStep.respond(new Answer.Embeddings(lookup.answerFromCache(model.upstreamModel())), "hit");
        }
        return StageStep.proceed(exchange.withRequest(lookup.upstreamRequest(request)), "miss",
                answer -> complete(answer, lookup, exchange));
    }

    private static Answer complete(Answer answer, EmbeddingCache.Lookup lookup, Exchange exchange) {
        if (!(answer instanceof Answer.Embeddings embeddings)) {
            return answer;
        }
        try {
            return new Answer.Embeddings(lookup.complete(embeddings.response()));
        } catch (IllegalStateException e) {
            Served served = exchange.facts().served().get();
            throw new UpstreamError(served == null ? null : served.provider(), 502, e.getMessage(),
                    "upstream_malformed", false, null, e);
        }
    }
}
