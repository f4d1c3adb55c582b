package dev.tiergate.cache.semantic.online;

/**
 * A proportion and its Wilson score interval at 95% confidence: {@code failures} of {@code trials}.
 * Unlike the normal approximation it stays inside [0, 1] and is honest for few trials and for
 * proportions near 0, which is where a false-hit rate lives (Wilson 1927; Brown, Cai and DasGupta
 * 2001 recommend it for small n).
 *
 * @param failures the false hits seen
 * @param trials   the checks made
 * @param estimate failures / trials (0 without trials)
 * @param lower    the interval's lower bound
 * @param upper    the interval's upper bound (1 without trials)
 */
public record WilsonInterval(int failures, int trials, double estimate, double lower, double upper) {
    /** The two-sided 95% normal quantile. */
    public static final double Z95 = 1.959963984540054;
    public static final WilsonInterval NONE = new WilsonInterval(0, 0, 0, 0, 1);

    public WilsonInterval {
        if (trials < 0 || failures < 0 || failures > trials) {
            throw new IllegalArgumentException("failures " + failures + " of " + trials
                    + " trials (expected: 0 <= failures <= trials)");
        }
    }

    /** The interval of {@code failures} in {@code trials} at 95% confidence. */
    public static WilsonInterval of(int failures, int trials) {
        if (trials == 0) {
            if (failures != 0) {
                throw new IllegalArgumentException("failures " + failures + " of 0 trials (expected: 0)");
            }
            return NONE;
        }
        double n = trials;
        double p = failures / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        // exact at the edges: no failure has a lower bound of 0, only failures an upper bound of 1
        double lower = failures == 0 ? 0 : Math.max(0, centre - half);
        double upper = failures == trials ? 1 : Math.min(1, centre + half);
        return new WilsonInterval(failures, trials, p, lower, upper);
    }
}
