package dev.tiergate.router.classifier;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a threshold on the complexity score costs and keeps, measured by the training script on
 * validation prompts with both a weak and a strong model's outcome: at each {@code threshold}, the
 * prompts scoring at least it go to the strong model and the rest to the weak one; {@code
 * qualityKept} is the mean quality then reached over the strong model's alone, {@code frontierShare}
 * the share sent strong. Points are in increasing threshold order, the first at threshold 0
 * (everything strong, quality 1); {@code qualityKept} never increases along the curve (the script
 * writes its running minimum, so a target is met at every threshold below the one chosen for it).
 *
 * @param measuredOn which prompts the curve was measured on (for people; the model card says more)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CalibrationCurve(
        @JsonProperty("measured_on") String measuredOn,
        @JsonProperty("points") List<Point> points) {

    public CalibrationCurve {
        points = List.copyOf(points);
        if (points.isEmpty() || points.getFirst().threshold() != 0.0) {
            throw new IllegalArgumentException("calibration: the first point must be at threshold 0");
        }
        for (int i = 1; i < points.size(); i++) {
            Point previous = points.get(i - 1);
            Point point = points.get(i);
            if (point.threshold() <= previous.threshold() || point.qualityKept() > previous.qualityKept()
                    || point.frontierShare() > previous.frontierShare()) {
                throw new IllegalArgumentException("calibration point " + i + " " + point + " after " + previous
                        + " (expected: thresholds rising, quality kept and frontier share not rising)");
            }
        }
    }

    /** The highest threshold that keeps at least {@code target} of the strong model's quality. */
    public double thresholdForQuality(double target) {
        double threshold = 0.0;
        for (Point point : points) {
            if (point.qualityKept() < target) {
                break;
            }
            threshold = point.threshold();
        }
        return threshold;
    }

    /** The lowest threshold that sends at most {@code maxShare} of the prompts to the strong model. */
    public double thresholdForFrontierShare(double maxShare) {
        for (Point point : points) {
            if (point.frontierShare() <= maxShare) {
                return point.threshold();
            }
        }
        return points.getLast().threshold();
    }

    /** The quality kept at {@code threshold}: that of the last point at or below it. */
    public double qualityKeptAt(double threshold) {
        double kept = points.getFirst().qualityKept();
        for (Point point : points) {
            if (point.threshold() > threshold) {
                break;
            }
            kept = point.qualityKept();
        }
        return kept;
    }

    /** One threshold of the curve. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Point(
            @JsonProperty("threshold") double threshold,
            @JsonProperty("quality_kept") double qualityKept,
            @JsonProperty("frontier_share") double frontierShare) {
    }
}
