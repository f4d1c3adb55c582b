package dev.tiergate.router.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import org.junit.jupiter.api.Test;

class PromptClustersTest {

    @Test
    void theShippedClustersLiveInTheClassifiersEmbeddingAndPickTheNearestCentroid() {
        PromptClusters clusters = PromptClusters.load();
        assertThat(clusters.count()).isEqualTo(16);
        assertThat(clusters.version()).isEqualTo("clusters-v1");
        try (OnnxComplexityClassifier classifier = OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k())) {
            assertThat(clusters.embeddingModel()).isEqualTo(classifier.embeddingModelId());
        }
        assertThat(clusters.nearest(null)).isEqualTo(-1);
        assertThat(clusters.nearest(new float[3])).isEqualTo(-1);
        PromptClusters two = LearningFixtures.clusters();
        assertThat(two.nearest(new float[] {0.9f, 0.2f})).isZero();
        assertThat(two.nearest(new float[] {0.1f, 0.7f})).isEqualTo(1);
    }
}
