"""Unit tests of evaluate.py on fixtures small enough to work out by hand. Run by train.sh --check:
  /usr/bin/python3 -m unittest discover -s gateway-router/training -p 'test_*.py'
"""
import unittest

import numpy as np

import evaluate


class RouteLlmMetricsTest(unittest.TestCase):
    # Four prompts. Qualities: weak 0,1,0,1 (mean 0.5), strong 1,1,1,0 (mean 0.75): gap 0.25, gains 1,0,1,-1.
    # The scores order them 0, 2, 3, 1; the cumulative gains 0,1,2,1,1 over n * gap = 1 are the PGRs at
    # 0, 1/4, 2/4, 3/4 and 4/4 strong calls.
    WEAK = [0, 1, 0, 1]
    STRONG = [1, 1, 1, 0]
    SCORES = [0.9, 0.1, 0.7, 0.5]

    def test_pgr_curve_at_every_share(self):
        shares, pgr = evaluate.pgr_curve(self.SCORES, self.WEAK, self.STRONG)
        np.testing.assert_allclose(shares, [0, 0.25, 0.5, 0.75, 1.0])
        np.testing.assert_allclose(pgr, [0, 1, 2, 1, 1])

    def test_apgr_is_the_area_under_the_curve(self):
        # 0.25 * ((0+1) + (1+2) + (2+1) + (1+1)) / 2
        self.assertAlmostEqual(evaluate.apgr(self.SCORES, self.WEAK, self.STRONG), 1.125)

    def test_cpt_interpolates_between_knots(self):
        self.assertAlmostEqual(evaluate.cpt(self.SCORES, self.WEAK, self.STRONG, 0.5), 0.125)
        self.assertAlmostEqual(evaluate.cpt(self.SCORES, self.WEAK, self.STRONG, 0.8), 0.2)
        self.assertAlmostEqual(evaluate.small_share_at(self.SCORES, self.WEAK, self.STRONG, 0.9), 0.775)

    def test_a_constant_score_is_the_random_router(self):
        rng = np.random.default_rng(1)
        weak = rng.integers(0, 2, 200)
        strong = np.maximum(weak, rng.integers(0, 2, 200))
        self.assertAlmostEqual(evaluate.apgr(np.zeros(200), weak, strong), 0.5)
        self.assertAlmostEqual(evaluate.cpt(np.zeros(200), weak, strong, 0.8), 0.8)

    def test_ties_count_as_random_order(self):
        # Prompts 0 and 2 tie: half a gain each way; the curve is the straight line through the tie.
        shares, pgr = evaluate.pgr_curve([0.5, 0.1, 0.5, 0.1], self.WEAK, self.STRONG)
        np.testing.assert_allclose(shares, [0, 0.5, 1.0])
        np.testing.assert_allclose(pgr, [0, 2, 1])

    def test_the_oracle_beats_its_reverse(self):
        oracle = np.subtract(self.STRONG, self.WEAK)
        self.assertGreater(evaluate.apgr(oracle, self.WEAK, self.STRONG), 0.5)
        self.assertLess(evaluate.apgr(-oracle, self.WEAK, self.STRONG), 0.5)

    def test_no_gap_is_refused(self):
        with self.assertRaises(ValueError):
            evaluate.apgr([1, 2], [1, 1], [1, 0])

    def test_spearman_with_ties(self):
        self.assertAlmostEqual(evaluate.spearman([1, 2, 3], [10, 20, 30]), 1.0)
        self.assertAlmostEqual(evaluate.spearman([1, 2, 3], [3, 2, 1]), -1.0)
        # average ranks 0, 1.5, 1.5, 3 against 0, 1, 2, 3: 4.5 / sqrt(4.5 * 5)
        self.assertAlmostEqual(evaluate.spearman([1, 2, 2, 3], [1, 2, 3, 4]), 4.5 / np.sqrt(22.5))

    def test_quality_kept(self):
        # threshold 0.6: prompts 0 and 2 strong (1, 1), 1 and 3 weak (1, 1): 4/4 over the strong mean 0.75
        self.assertAlmostEqual(evaluate.quality_kept(self.SCORES, self.WEAK, self.STRONG, 0.6), 1 / 0.75)


if __name__ == "__main__":
    unittest.main()
