package dev.tiergate.router.learning;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tiergate.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The prompt clusters of the learning router: k-means centroids over the sentence embedding
 * (trained by {@code training/learning/train_clusters.sh}, shipped as {@code clusters-v1.json}).
 * A prompt's cluster is its nearest centroid; it is part of the bandit's context.
 */
public final class PromptClusters {
    private static final String RESOURCE = "clusters-v1.json";

    private final String version;
    private final String embeddingModel;
    private final float[][] centroids;

    PromptClusters(String version, String embeddingModel, float[][] centroids) {
        this.version = requireNonNull(version, "version");
        this.embeddingModel = requireNonNull(embeddingModel, "embeddingModel");
        if (centroids.length == 0) {
            throw new IllegalArgumentException("centroids: none (expected: at least one)");
        }
        this.centroids = centroids;
    }

    /** The shipped clusters. */
    public static PromptClusters load() {
        try (InputStream in = PromptClusters.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the router jar");
            }
            return of(Json.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static PromptClusters of(JsonNode doc) {
        JsonNode rows = doc.get("centroids");
        int dims = doc.get("dimensions").asInt();
        float[][] centroids = new float[rows.size()][dims];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            if (row.size() != dims) {
                throw new IllegalArgumentException("centroid " + i + ": " + row.size() + " values (expected: " + dims + ")");
            }
            for (int j = 0; j < dims; j++) {
                centroids[i][j] = (float) row.get(j).asDouble();
            }
        }
        return new PromptClusters(doc.get("version").asText(), doc.get("embedding_model").asText(), centroids);
    }

    /** The nearest centroid's index, or -1 when {@code embedding} is null or of another width. */
    public int nearest(float[] embedding) {
        if (embedding == null || embedding.length != centroids[0].length) {
            return -1;
        }
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            float[] centroid = centroids[c];
            double d = 0;
            for (int j = 0; j < centroid.length; j++) {
                double diff = embedding[j] - centroid[j];
                d += diff * diff;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    public int count() {
        return centroids.length;
    }

    public String version() {
        return version;
    }

    /** The embedding model the centroids live in. */
    public String embeddingModel() {
        return embeddingModel;
    }
}
