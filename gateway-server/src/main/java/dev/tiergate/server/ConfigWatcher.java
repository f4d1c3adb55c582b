package dev.tiergate.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a config folder's {@code gateway.yaml} and {@code teams/*.yaml} on a daemon thread and
 * calls back once the files have been quiet for {@link #QUIET} (an editor's save or a
 * {@code cp -r} is one reload, not many). Kubernetes ConfigMap swaps ({@code ..data}) count too.
 */
final class ConfigWatcher implements AutoCloseable {
    static final Duration QUIET = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path directory;
    private final Path teams;
    private final WatchService service;
    private final Runnable onChange;
    private final Thread thread;

    private ConfigWatcher(Path directory, WatchService service, Runnable onChange) {
        this.directory = directory;
        this.teams = directory.resolve("teams");
        this.service = service;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "tiergate-config-watch");
        this.thread.setDaemon(true);
    }

    static ConfigWatcher start(Path directory, Runnable onChange) throws IOException {
        WatchService service = directory.getFileSystem().newWatchService();
        ConfigWatcher watcher = new ConfigWatcher(directory, service, onChange);
        try {
            watcher.register(directory);
            if (Files.isDirectory(watcher.teams)) {
                watcher.register(watcher.teams);
            }
        } catch (IOException e) {
            service.close();
            throw e;
        }
        watcher.thread.start();
        log.info("watching {} for config changes", directory.toAbsolutePath());
        return watcher;
    }

    private void register(Path dir) throws IOException {
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    private void run() {
        try {
            while (true) {
                boolean relevant = handle(service.take());
                WatchKey more;
                while ((more = service.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    relevant |= handle(more);
                }
                if (relevant) {
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Whether the key's events concern the config files; registers {@code teams/} when it appears. */
    private boolean handle(WatchKey key) {
        boolean relevant = false;
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                relevant = true;
                continue;
            }
            String name = event.context().toString();
            if (dir.equals(directory)) {
                if (name.equals("teams") && event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                    try {
                        register(teams);
                    } catch (IOException e) {
                        log.warn("cannot watch {}: {}", teams, e.toString());
                    }
                }
                relevant |= name.equals("gateway.yaml") || name.equals("teams") || name.startsWith("..");
            } else {
                relevant |= name.endsWith(".yaml") || name.endsWith(".yml");
            }
        }
        key.reset();
        return relevant;
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            service.close();
        } catch (IOException e) {
            log.debug("closing the config watcher: {}", e.toString());
        }
    }
}
