package io.mqttdispatcher.loadgen;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.loadgen.bench.BenchOptions;
import io.mqttdispatcher.loadgen.bench.BenchResult;
import io.mqttdispatcher.loadgen.bench.ConnectBenchmark;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen bench-connect}: CONNECT exchanges per second and latency percentiles. */
@Command(
    name = "bench-connect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures CONNECT/CONNACK exchanges per second and their latency against a dispatcher "
          + "(redirects) or a broker (plain connects), with the reason codes received."
    })
final class BenchConnectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "HOST:PORT",
      converter = HostPort.Converter.class,
      description = "Dispatcher or broker.")
  HostPort target;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = BenchOptions.DEFAULT_CONCURRENCY,
      description = "Connections in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = BenchOptions.DEFAULT_DURATION,
      converter = DurationConverter.class,
      description = "How long to run (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--follow",
      description =
          "Also connect to the broker each redirect names; latency is then the whole device connect.")
  boolean follow;

  @Option(
      names = "--source-addresses",
      paramLabel = "N",
      defaultValue = BenchOptions.DEFAULT_SOURCE_ADDRESSES,
      description =
          "For a loopback target, connect from 127.0.0.1..127.0.0.N (0: let the system choose) (default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = BenchOptions.DEFAULT_TIMEOUT,
      converter = DurationConverter.class,
      description = "Per connect and per CONNACK (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    BenchOptions options =
        new BenchOptions(target, concurrency, duration, follow, sourceAddresses, timeout);
    BenchResult r = new ConnectBenchmark(options).run();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "command     loadgen %s%n",
        String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    out.printf(
        Locale.ROOT,
        "exchanges   %d in %.1f s = %.0f/s%s%n",
        r.exchanges(),
        r.seconds(),
        r.rate(),
        follow ? " (whole device connects: dispatcher + broker)" : "");
    out.printf(
        Locale.ROOT,
        "latency ms  p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
        r.p50Millis(),
        r.p99Millis(),
        r.p999Millis(),
        r.maxMillis());
    r.reasonCodes().forEach((code, n) -> out.printf(Locale.ROOT, "CONNACK     %s: %d%n", code, n));
    r.followReasonCodes()
        .forEach((code, n) -> out.printf(Locale.ROOT, "broker      %s: %d%n", code, n));
    out.printf(
        Locale.ROOT,
        "errors      %d%s%n",
        r.errors(),
        r.firstError().isEmpty() ? "" : " (first: " + r.firstError() + ")");
    out.flush();
    return r.exchanges() > 0 ? 0 : 1;
  }
}
