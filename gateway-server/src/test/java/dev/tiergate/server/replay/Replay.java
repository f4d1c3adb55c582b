package dev.tiergate.server.replay;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/replay.sh}: replays a labelled stream through a running gateway (HTTP only) and prints
 * quality, PGR, tier shares and cost per window, the learned side next to the static one.
 *
 * <p>Usage: {@code Replay STREAM.jsonl [--gateway http://127.0.0.1:8080] [--static-key K]
 * [--learning-key K] [--window 250] [--tail 500] [--costs small=0.06,mid=0.16,frontier=1]}
 */
public final class Replay {
    private Replay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Replay STREAM.jsonl [--gateway URL] [--static-key K] [--learning-key K]"
                    + " [--window N] [--tail N] [--costs small=..,mid=..,frontier=..]");
            System.exit(2);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        List<LabelledPrompt> stream = LabelledPrompt.read(Path.of(args[0]));
        ReplayHarness harness = new ReplayHarness(URI.create(opts.getOrDefault("--gateway", "http://127.0.0.1:8080")),
                opts.getOrDefault("--static-key", "sk-replay-static"),
                opts.getOrDefault("--learning-key", "sk-replay-learning"), 0);
        long start = System.nanoTime();
        ReplayHarness.Run run = harness.run(stream, done -> {
            if (done % 100 == 0) {
                System.err.printf("  %d/%d prompts, %.0f s%n", done, stream.size(), (System.nanoTime() - start) / 1e9);
            }
        });
        Map<String, Double> costs = new LinkedHashMap<>();
        for (String pair : opts.getOrDefault("--costs", "small=0.06,mid=0.16,frontier=1").split(",")) {
            String[] kv = pair.split("=");
            costs.put(kv[0].trim(), Double.parseDouble(kv[1]));
        }
        System.out.print(ReplayReport.table(run, Integer.parseInt(opts.getOrDefault("--window", "250")),
                Integer.parseInt(opts.getOrDefault("--tail", "500")), costs, List.copyOf(costs.keySet())));
    }
}
