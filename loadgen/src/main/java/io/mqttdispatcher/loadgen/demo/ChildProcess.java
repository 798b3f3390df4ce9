package io.mqttdispatcher.loadgen.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A process the demo started, with its log file; stopped by its own handle, children included. */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private volatile boolean killed;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} with stdout and stderr going to {@code log}.
   *
   * @param append add to the log (a restarted process) instead of starting it afresh
   */
  static ChildProcess start(String name, List<String> command, Path log, boolean append)
      throws IOException {
    ProcessBuilder.Redirect output =
        append
            ? ProcessBuilder.Redirect.appendTo(log.toFile())
            : ProcessBuilder.Redirect.to(log.toFile());
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
    return new ChildProcess(name, p, log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /**
   * The first line of its log where Netty reports a buffer that was never released ({@code LEAK:}),
   * if there is one. Read as ISO-8859-1: a broker may log bytes that are not UTF-8.
   */
  Optional<String> leakReport() {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return lines.filter(line -> line.contains("LEAK:")).findFirst();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + name + ": " + log, e);
    }
  }

  /** Whether it was stopped on purpose with {@link #kill()}. */
  boolean killed() {
    return killed;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGKILL, as a crash or a power cut would stop it: no shutdown hook runs and the kernel closes
   * its sockets. Returns at once; {@link #awaitKilled()} waits for the exit.
   */
  void signalKill() {
    killed = true;
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /** Waits until a process sent SIGKILL is gone. */
  void awaitKilled() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            name + " (pid " + process.pid() + ") did not exit within 10 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL after five seconds; the same for any process it started. */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
