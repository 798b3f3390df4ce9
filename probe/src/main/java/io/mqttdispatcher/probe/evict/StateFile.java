package io.mqttdispatcher.probe.evict;

import io.mqttdispatcher.protocol.ProbeCodec;
import io.mqttdispatcher.protocol.ProbeState;
import io.mqttdispatcher.protocol.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's standing (draining, the eviction plan) kept in a small file beside the probe, so
 * that a restarted probe still carries it to every dispatcher. Written whole to a temporary file in
 * the same folder, then renamed over the old one: a reader never sees half a file, even after a
 * crash. The content is the wire form of a report's {@code state} field.
 */
public final class StateFile {
  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  private final Path file;

  public StateFile(Path file) {
    this.file = file.toAbsolutePath();
  }

  /**
   * The saved standing, or empty when there is none yet. A file that cannot be read or parsed is
   * logged and treated as none: a probe must start, and the dispatchers' drain is the operator's to
   * give again.
   */
  public Optional<ProbeState> load() {
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(ProbeCodec.decodeState(json));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | ProtocolException e) {
      LOG.warn("state file {} cannot be used, starting without it: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Saves {@code state}; a failure is logged (the probe goes on with the state in memory). */
  public void save(ProbeState state) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, ProbeCodec.encodeState(state), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot save the broker's state to {}: {}", file, e.toString());
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }
}
