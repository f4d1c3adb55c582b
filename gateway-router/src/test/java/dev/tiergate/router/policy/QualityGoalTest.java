package dev.tiergate.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tiergate.inference.tokens.JtokkitTokenCounter;
import dev.tiergate.router.classifier.CalibrationCurve;
import dev.tiergate.router.classifier.CalibrationCurve.Point;
import dev.tiergate.router.classifier.ClassifierSpec;
import dev.tiergate.router.classifier.OnnxComplexityClassifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityGoalTest {
    /** Quality kept falls from 1 at threshold 0 to 0.8 at 1, frontier share from 1 to 0, both linearly. */
    private static final CalibrationCurve LINEAR = linear();

    private static CalibrationCurve linear() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            double t = i / 100.0;
            points.add(new Point(t, 1.0 - 0.2 * t, 1.0 - t));
        }
        return new CalibrationCurve("fixture", points);
    }

    @Test
    void theTwoThresholdsKeepTheTargetOnAverageWhenTheMidTierRecoversHalfTheGap() {
        Thresholds t = new QualityGoal(0.899, null).thresholds(LINEAR);
        assertThat(t.frontier()).isCloseTo(0.75, offset(1e-9));     // keeps 1 - 0.2 * 0.75 = 0.85 >= 0.8485
        assertThat(t.mid()).isCloseTo(0.25, offset(1e-9));          // keeps 0.95 >= 0.9495
        double keptWithMidAtHalf = (LINEAR.qualityKeptAt(t.frontier()) + LINEAR.qualityKeptAt(t.mid())) / 2;
        assertThat(keptWithMidAtHalf).isGreaterThanOrEqualTo(0.899);
    }

    @Test
    void aHigherQualityTargetNeverRaisesEitherThreshold() {
        for (CalibrationCurve curve : List.of(LINEAR, committedCurve())) {
            Thresholds previous = new QualityGoal(0.5, null).thresholds(curve);
            boolean moved = false;
            for (double target = 0.51; target <= 1.0001; target += 0.01) {
                Thresholds t = new QualityGoal(Math.min(1.0, target), null).thresholds(curve);
                assertThat(t.frontier()).as("frontier at %.2f", target).isLessThanOrEqualTo(previous.frontier());
                assertThat(t.mid()).as("mid at %.2f", target).isLessThanOrEqualTo(previous.mid());
                assertThat(t.mid()).isLessThanOrEqualTo(t.frontier());
                moved |= t.frontier() < previous.frontier();
                previous = t;
            }
            assertThat(moved).as("the thresholds move at all on " + curve.measuredOn()).isTrue();
            assertThat(new QualityGoal(1.0, null).thresholds(curve).frontier())
                    .as("full quality: the threshold where nothing is lost").isLessThan(
                            new QualityGoal(0.8, null).thresholds(curve).frontier());
        }
    }

    @Test
    void aFrontierShareCapRaisesTheFrontierThresholdAndWinsOverTheTarget() {
        Thresholds target = new QualityGoal(0.989, null).thresholds(LINEAR);
        Thresholds capped = new QualityGoal(0.989, 0.205).thresholds(LINEAR);
        assertThat(target.frontier()).isCloseTo(0.08, offset(1e-9));   // keeps >= 0.9835
        assertThat(capped.frontier()).isCloseTo(0.8, offset(1e-9));
        assertThat(capped.mid()).isEqualTo(target.mid());
        Thresholds capOnly = new QualityGoal(null, 0.205).thresholds(LINEAR);
        assertThat(capOnly.frontier()).isEqualTo(capped.frontier());
        assertThat(capOnly.mid()).isCloseTo(0.26, offset(1e-9));      // the target 0.8 stands for: (2 * 0.84 + 1) / 3
        assertThat(new QualityGoal(0.5, 0.205).thresholds(LINEAR).frontier()).isEqualTo(1.0);
    }

    @Test
    void theCommittedDefaultThresholdsAreTheDefaultGoalsOnTheCommittedCurve() {
        try (OnnxComplexityClassifier classifier = OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k())) {
            ClassifierSpec spec = classifier.spec();
            Thresholds derived = QualityGoal.defaults().thresholds(spec.calibration());
            assertThat(derived).isEqualTo(Thresholds.of(spec.thresholdMid(), spec.thresholdFrontier()));
        }
    }

    @Test
    void refusesGoalsOutOfRange() {
        assertThatThrownBy(() -> new QualityGoal(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QualityGoal(0.0, null)).hasMessageContaining("quality-target");
        assertThatThrownBy(() -> new QualityGoal(1.2, null)).hasMessageContaining("quality-target");
        assertThatThrownBy(() -> new QualityGoal(null, -0.1)).hasMessageContaining("max-frontier-share");
    }

    @Test
    void refusesACurveThatRisesOrDoesNotStartAtZero() {
        assertThatThrownBy(() -> new CalibrationCurve("x", List.of(new Point(0.1, 1, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CalibrationCurve("x", List.of(new Point(0, 0.9, 1), new Point(0.1, 0.95, 0.5))))
                .hasMessageContaining("not rising");
    }

    private static CalibrationCurve committedCurve() {
        try (OnnxComplexityClassifier classifier = OnnxComplexityClassifier.load(JtokkitTokenCounter.cl100k())) {
            return classifier.spec().calibration();
        }
    }
}
