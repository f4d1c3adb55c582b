package dev.tiergate.server.http;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Reloads the gateway's config from where it was read; behind {@code POST /admin/reload}. */
public interface ConfigReloader {
    /** A gateway whose config cannot be reloaded (the bundled default config). */
    ConfigReloader NONE = trigger -> java.util.concurrent.CompletableFuture.completedFuture(
            new Result.Unavailable("this gateway runs on the bundled default config, which cannot be reloaded "
                    + "(start it with --config DIR)"));

    /** Reloads off the caller's thread; {@code trigger} says who asked, for the log. */
    CompletionStage<Result> reload(String trigger);

    /** How a reload ended. */
    sealed interface Result {
        /** The new config serves; {@code changes} says what changed (empty: nothing), without secrets. */
        record Applied(List<String> changes, List<String> needRestart) implements Result {
        }

        /** The files are invalid ({@code file:line: field: problem}); the running config keeps serving. */
        record Rejected(List<String> problems) implements Result {
        }

        /** There is nothing to reload from. */
        record Unavailable(String reason) implements Result {
        }
    }
}
