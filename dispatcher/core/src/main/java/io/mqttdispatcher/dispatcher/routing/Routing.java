package io.mqttdispatcher.dispatcher.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing rules in force, from one file: loaded at start (a broken file stops the start),
 * reloaded when its content changes (checked every {@link #DEFAULT_POLL}) or on {@link #reload}
 * (SIGHUP). A broken file on reload keeps the rules in force and logs why, once per version of the
 * file; devices connected or connecting are not affected either way, as each CONNECT reads the
 * table in force when it arrives.
 */
public final class Routing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Routing.class);

  /** How often the file is checked for changes. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);

  private final Path file;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "routing-file");
            t.setDaemon(true);
            return t;
          });
  private volatile RoutingTable table;
  private volatile Instant loadedAt;
  private volatile @Nullable String lastError;
  // Owned by the watcher thread (and the constructor).
  private byte[] seen;

  private Routing(Path file, RoutingTable table, byte[] content) {
    this.file = file;
    this.table = table;
    this.seen = content;
    this.loadedAt = Instant.now();
  }

  /** Loads {@code file} and starts watching it; throws when the file cannot be used. */
  public static Routing start(Path file, Duration poll) throws RoutingFileException {
    byte[] content = read(file);
    RoutingTable table = RoutingFile.parse(file.toString(), content);
    Routing routing = new Routing(file, table, content);
    LOG.info("routing: {} rules from {}{}", table.rules().size(), file, describeDefault(table));
    long ms = Math.max(1, poll.toMillis());
    routing.watcher.scheduleWithFixedDelay(routing::checkForChange, ms, ms, TimeUnit.MILLISECONDS);
    return routing;
  }

  /** The rules in force. */
  public RoutingTable table() {
    return table;
  }

  public Path file() {
    return file;
  }

  /** When the rules in force were loaded. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** Why the last load failed, or null when the rules in force come from the file as it is now. */
  public @Nullable String lastError() {
    return lastError;
  }

  /** Reloads the file now, whether it changed or not (SIGHUP); returns once done. */
  public void reload() {
    try {
      watcher.submit(() -> load(readOrNull(), "reload requested")).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("routing: reload of {} did not complete: {}", file, e.toString());
    }
  }

  private void checkForChange() {
    byte[] content = readOrNull();
    if (content != null && !Arrays.equals(content, seen)) {
      load(content, "file changed");
    }
  }

  private void load(byte @Nullable [] content, String why) {
    if (content != null) {
      seen = content;
    }
    try {
      RoutingTable loaded =
          content != null ? RoutingFile.parse(file.toString(), content) : RoutingFile.load(file);
      table = loaded;
      loadedAt = Instant.now();
      lastError = null;
      LOG.info(
          "routing: {}: {} rules from {}{}",
          why,
          loaded.rules().size(),
          file,
          describeDefault(loaded));
    } catch (RoutingFileException e) {
      lastError = e.getMessage();
      LOG.warn(
          "routing: {}, but the file cannot be used; keeping the {} rules loaded at {}: {}",
          why,
          table.rules().size(),
          loadedAt,
          e.getMessage());
    }
  }

  private byte @Nullable [] readOrNull() {
    try {
      return read(file);
    } catch (RoutingFileException e) {
      return null; // reported by load() when it is asked to load
    }
  }

  private static byte[] read(Path file) throws RoutingFileException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RoutingFileException(file.toString(), 0, "cannot be read: " + e);
    }
  }

  private static String describeDefault(RoutingTable t) {
    return t.defaultGroup() != null
        ? ", default group " + t.defaultGroup()
        : ", devices no rule matches are refused with " + t.refuse().fileName();
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
