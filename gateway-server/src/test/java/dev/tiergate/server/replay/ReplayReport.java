package dev.tiergate.server.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per window of a replay, for the static and the learned side: mean quality, PGR (the share of the
 * gap between sending every prompt of the window to small and every prompt to frontier that the side
 * recovered), tier shares, mean relative cost, and the learned side's explored and learned shares.
 */
final class ReplayReport {
    private ReplayReport() {
    }

    /** One side over one window. */
    record Window(int from, int to, double quality, double pgr, Map<String, Double> shares, double cost,
                  double explored, double learned) {
        double share(String tier) {
            return shares.getOrDefault(tier, 0.0);
        }
    }

    static Window window(List<ReplayHarness.Step> steps, List<LabelledPrompt> stream, int from, int to,
                         Map<String, Double> costs, String weakest, String strongest) {
        double quality = 0;
        double weak = 0;
        double strong = 0;
        double cost = 0;
        int explored = 0;
        int learned = 0;
        Map<String, Double> shares = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            ReplayHarness.Step step = steps.get(i);
            quality += step.quality();
            weak += stream.get(i).score(weakest);
            strong += stream.get(i).score(strongest);
            cost += costs.getOrDefault(step.tier(), Double.NaN);
            shares.merge(step.tier(), 1.0, Double::sum);
            explored += "explore".equals(step.cause()) ? 1 : 0;
            learned += "learned".equals(step.cause()) ? 1 : 0;
        }
        int n = to - from;
        shares.replaceAll((tier, count) -> count / n);
        double pgr = strong == weak ? Double.NaN : (quality - weak) / (strong - weak);
        return new Window(from, to, quality / n, pgr, shares, cost / n, (double) explored / n, (double) learned / n);
    }

    /** The windows of {@code size} prompts, and the last {@code tail} prompts, for both sides, as a table. */
    static String table(ReplayHarness.Run run, int size, int tail, Map<String, Double> costs, List<String> tiers) {
        StringBuilder out = new StringBuilder();
        out.append("| prompts | side | quality | PGR | ");
        tiers.forEach(t -> out.append(t).append(" | "));
        out.append("relative cost | explored | learned |\n|---|---|---|---|");
        tiers.forEach(t -> out.append("---|"));
        out.append("---|---|---|\n");
        List<int[]> ranges = new ArrayList<>();
        for (int from = 0; from < run.stream().size(); from += size) {
            ranges.add(new int[] {from, Math.min(run.stream().size(), from + size)});
        }
        if (tail > 0 && tail < run.stream().size()) {
            ranges.add(new int[] {run.stream().size() - tail, run.stream().size()});
        }
        for (int[] r : ranges) {
            row(out, "static", window(run.staticSide(), run.stream(), r[0], r[1], costs, tiers.getFirst(),
                    tiers.getLast()), tiers);
            row(out, "learned", window(run.learned(), run.stream(), r[0], r[1], costs, tiers.getFirst(),
                    tiers.getLast()), tiers);
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String side, Window w, List<String> tiers) {
        out.append(String.format(Locale.ROOT, "| %d-%d | %s | %.3f | %.3f | ", w.from() + 1, w.to(), side, w.quality(),
                w.pgr()));
        tiers.forEach(t -> out.append(String.format(Locale.ROOT, "%.1f%% | ", 100 * w.share(t))));
        out.append(String.format(Locale.ROOT, "%.3f | %.1f%% | %.1f%% |%n", w.cost(), 100 * w.explored(),
                100 * w.learned()));
    }
}
