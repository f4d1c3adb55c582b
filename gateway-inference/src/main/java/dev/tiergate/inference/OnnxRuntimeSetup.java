package dev.tiergate.inference;

import static java.util.Objects.requireNonNull;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that sets up DJL for the gateway: ONNX Runtime named as the engine, and DJL kept
 * off the network. Without the switches DJL makes HTTP calls when an engine starts or a tokenizer
 * is created (usage tracking, EC2 metadata) and may try to download native libraries or models;
 * a gateway never does. Every model the gateway runs (the sentence embedder, the router's
 * classifier) is loaded through {@link #loadModel}, which turns them on first.
 *
 * <p>DJL reads an environment variable before the system property of the same switch
 * ({@code DJL_OFFLINE} before {@code ai.djl.offline}, {@code OPT_OUT_TRACKING} before the
 * property): a launcher that sets either to {@code false} wins, and {@link #enforceOffline()} says
 * so in the log.
 */
public final class OnnxRuntimeSetup {
    /** The DJL engine every model runs on. DJL's default engine is not ONNX Runtime: always name it. */
    public static final String ENGINE = "OnnxRuntime";
    /** DJL's offline switch: no model or native library downloads, no usage tracking. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** The offline switch older DJL versions read; set too, so that no DJL version goes online. */
    public static final String LEGACY_OFFLINE_PROPERTY = "offline";
    /** DJL's usage tracking opt-out, read from the environment or a system property. */
    public static final String OPT_OUT_TRACKING_PROPERTY = "OPT_OUT_TRACKING";

    private static final Logger log = LoggerFactory.getLogger(OnnxRuntimeSetup.class);
    private static final List<String> SWITCHES =
            List.of(OFFLINE_PROPERTY, LEGACY_OFFLINE_PROPERTY, OPT_OUT_TRACKING_PROPERTY);
    private static final List<String> ENVIRONMENT = List.of("DJL_OFFLINE", OPT_OUT_TRACKING_PROPERTY);

    private OnnxRuntimeSetup() {
    }

    /** Sets every offline and no-tracking switch to {@code true}; idempotent, call before DJL starts. */
    public static void enforceOffline() {
        for (String property : SWITCHES) {
            System.setProperty(property, "true");
        }
        for (String variable : ENVIRONMENT) {
            String value = System.getenv(variable);
            if (value != null && !Boolean.parseBoolean(value)) {
                log.warn("{}={} in the environment overrides Tiergate's setting: DJL may make network calls",
                        variable, value);
            }
        }
    }

    /** Whether every switch is on as a system property. */
    public static boolean offlineEnforced() {
        return SWITCHES.stream().allMatch(property -> Boolean.parseBoolean(System.getProperty(property)));
    }

    /**
     * Loads an ONNX graph with DJL on ONNX Runtime, offline. ONNX Runtime reads a file: the graph
     * is written from {@code graph} to a temporary directory with its large weights in a file beside
     * it ({@link MappedWeightsWriter}: ONNX Runtime maps them instead of copying them), loaded, and
     * both files deleted (the mapping keeps the weights' file readable until the model is closed).
     *
     * @param what           what is loaded, for error messages (e.g. {@code embedding model all-minilm-l6-v2-q})
     * @param graph          the {@code .onnx} bytes, usually a classpath resource; closed here
     * @param criteria       the types and translator; engine, path and thread options are set here
     * @param intraOpThreads threads ONNX Runtime uses inside one call (parallelism comes from the
     *                       workers running several calls at once)
     * @throws UncheckedIOException  when the graph cannot be read or copied
     * @throws IllegalStateException when DJL cannot load it
     */
    public static <I, O> ZooModel<I, O> loadModel(String what, InputStream graph, Criteria.Builder<I, O> criteria,
                                                  int intraOpThreads) {
        requireNonNull(what, "what");
        requireNonNull(graph, "graph");
        requireNonNull(criteria, "criteria");
        if (intraOpThreads <= 0) {
            throw new IllegalArgumentException("intraOpThreads: " + intraOpThreads + " (expected: > 0)");
        }
        enforceOffline();
        Path dir = null;
        try (graph) {
            dir = Files.createTempDirectory("tiergate-onnx-");
            Path file = MappedWeightsWriter.write(graph, dir);
            return criteria
                    .optEngine(ENGINE)
                    .optModelPath(file)
                    .optOption("intraOpNumThreads", Integer.toString(intraOpThreads))
                    .optOption("interOpNumThreads", "1")
                    .build()
                    .loadModel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + what, e);
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load " + what + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A temporary file left behind is harmless: the model is already loaded.
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
