package io.mqttdispatcher.devicekit.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A device helper driven as a child process (Python or Node): its stdout lines are events, read on
 * a thread of their own; lines written to its stdin are commands, closing it asks it to stop, and
 * {@link #close()} stops it by its own handle, forcibly if it does not exit in time.
 */
public final class HelperProcess implements AutoCloseable {
  private final Process process;
  private final Path stderr;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private HelperProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::read, "helper-stdout-" + process.pid());
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /**
   * Starts {@code command} in {@code directory}; its stderr goes to a temporary file shown on
   * failure.
   */
  public static HelperProcess start(List<String> command, Path directory) {
    try {
      Path err = Files.createTempFile("helper", ".stderr");
      Process p =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectError(err.toFile())
              .start();
      return new HelperProcess(p, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("(stdout closed: " + e.getMessage() + ")");
    }
  }

  /** The first line at or after {@code from} that matches, waiting at most {@code timeout}. */
  public String awaitLine(int from, Predicate<String> matches, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = from; i < lines.size(); i++) {
        if (matches.test(lines.get(i))) {
          return lines.get(i);
        }
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching line within " + timeout + "; " + describe());
  }

  /** Writes {@code command} and a newline to its stdin: a command to the driver. */
  public void send(String command) throws IOException {
    process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** The lines printed so far that match. */
  public List<String> lines(Predicate<String> matches) {
    return lines.stream().filter(matches).toList();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** How many lines it has printed so far. */
  public int lineCount() {
    return lines.size();
  }

  /** Waits at most {@code timeout} for the process to exit and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; " + describe());
    }
    reader.join(2000);
    return process.exitValue();
  }

  /** What it printed, for failure messages. */
  public String describe() {
    String err;
    try {
      err = Files.readString(stderr);
    } catch (IOException e) {
      err = "(unreadable: " + e.getMessage() + ")";
    }
    return "stdout: " + lines + ", stderr: " + err;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already gone: nothing to ask
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(2000);
    try {
      Files.deleteIfExists(stderr);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
  }
}
