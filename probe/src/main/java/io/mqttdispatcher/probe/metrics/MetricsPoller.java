package io.mqttdispatcher.probe.metrics;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a broker's Prometheus endpoint once per interval (plain {@link HttpClient}, HTTP/1.1, at
 * most one request in flight, a timeout, a bounded body) and keeps its connection count and message
 * rate for the reports. An endpoint that is down, too slow, or answers something that is not usable
 * Prometheus text leaves both figures out of the reports; each change of that state is logged once
 * (not once per poll). Figures older than two intervals past the timeout are left out too.
 */
public final class MetricsPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsPoller.class);

  /** Largest body read; EMQX's and VerneMQ's full pages are tens of kilobytes. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofSeconds(5);

  private final URI url;
  private final @Nullable MetricNames fixed;
  private final Set<String> wanted;
  private final Duration interval;
  private final Duration timeout;
  private final int maxBodyBytes;
  private final long staleNanos;
  private final ExecutorService httpThread =
      Executors.newSingleThreadExecutor(daemon("metrics-http"));
  private final ScheduledExecutorService clock =
      Executors.newSingleThreadScheduledExecutor(daemon("metrics-poll"));
  private final HttpClient http;
  private final ScrapeRates rates;

  // Guarded by this.
  private @Nullable MetricNames recognised;
  private boolean inFlight;
  private @Nullable BoundedBody body;
  private long lastGoodNanos;
  private String state = "starting";

  /**
   * @param names the broker's names, or null to recognise them from the first scrape that has a
   *     built-in set's names
   */
  public MetricsPoller(URI url, @Nullable MetricNames names, Duration interval) {
    this(url, names, interval, MAX_BODY_BYTES);
  }

  MetricsPoller(URI url, @Nullable MetricNames names, Duration interval, int maxBodyBytes) {
    this.url = url;
    this.fixed = names;
    this.recognised = names;
    this.wanted = names == null ? MetricNames.wanted(null) : names.names();
    this.interval = interval;
    this.timeout = clamp(interval, MIN_TIMEOUT, MAX_TIMEOUT);
    this.maxBodyBytes = maxBodyBytes;
    this.staleNanos = interval.multipliedBy(2).plus(timeout).toNanos();
    this.rates = new ScrapeRates(interval.multipliedBy(3).plus(timeout).toNanos());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .executor(httpThread)
            .build();
  }

  /**
   * Polls now and then once per interval. Half an interval after the liveness check's schedule, so
   * the check's own short connection is seldom in the count.
   */
  public void start() {
    long ms = interval.toMillis();
    clock.scheduleAtFixedRate(this::poll, ms / 2, ms, TimeUnit.MILLISECONDS);
  }

  void poll() {
    synchronized (this) {
      if (inFlight) {
        return; // the previous one is still within its timeout
      }
      inFlight = true;
    }
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Accept", "text/plain;version=0.0.4")
            .GET()
            .build();
    http.sendAsync(request, this::bodyFor)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (response, error) -> {
              long now = System.nanoTime();
              try {
                if (error != null) {
                  failed(describe(error));
                } else if (response.statusCode() != 200) {
                  failed("HTTP status " + response.statusCode());
                } else {
                  parsed(response.body(), now);
                }
              } catch (RuntimeException e) {
                failed(e.toString()); // never lose the in-flight flag
              } finally {
                synchronized (this) {
                  inFlight = false;
                }
              }
            });
  }

  private synchronized HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info) {
    BoundedBody b =
        new BoundedBody(maxBodyBytes, info.headers().firstValueAsLong("content-length").orElse(-1));
    body = b;
    return b;
  }

  private void parsed(byte[] bytes, long now) {
    Exposition scrape;
    try {
      scrape = PrometheusText.parse(bytes, wanted);
    } catch (PrometheusText.MalformedExpositionException e) {
      failed("not Prometheus text: " + e.getMessage());
      return;
    }
    synchronized (this) {
      if (recognised == null) {
        recognised = MetricNames.recognise(scrape).orElse(null);
      }
      MetricNames names = recognised;
      if (names == null) {
        rates.failed();
        changeState(
            "no-names",
            "no metrics of a broker the probe knows at "
                + url
                + " (looked for "
                + String.join(", ", wanted)
                + "); give --metrics-format or --metrics-connections/--metrics-messages",
            true);
        return;
      }
      rates.scraped(names, scrape, now);
      lastGoodNanos = now;
      Map<String, String> unusable = new java.util.TreeMap<>(scrape.unusable());
      unusable.keySet().retainAll(names.names());
      boolean noConnections = !names.connections().isEmpty() && rates.connections().isEmpty();
      boolean noCounter = !names.messages().isEmpty() && names.messagesCounter(scrape) == null;
      if (!unusable.isEmpty()) {
        changeState(
            "unusable " + unusable.keySet(),
            "leaving out metrics of " + url + " that must not become numbers: " + unusable,
            true);
      } else if (noConnections || noCounter) {
        changeState(
            "missing " + noConnections + noCounter,
            "the "
                + names.format()
                + " metrics at "
                + url
                + " lack "
                + (noConnections ? names.connections() : names.messages())
                + ": that figure is left out",
            true);
      } else {
        changeState(
            "ok " + names.format(),
            "reading connections and message rate from " + names.format() + " metrics at " + url,
            false);
      }
    }
  }

  private synchronized void failed(String why) {
    rates.failed();
    changeState(
        "failed " + why,
        "metrics endpoint " + url + ": " + why + "; figures left out until it answers",
        true);
  }

  private void changeState(String key, String message, boolean problem) {
    if (key.equals(state)) {
      return;
    }
    state = key;
    if (problem) {
      LOG.warn(message);
    } else {
      LOG.info(message);
    }
  }

  private String describe(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
      synchronized (this) {
        if (body != null) {
          body.cancel(); // a body that trickles in must not hold the connection on
        }
      }
      return "no complete answer within " + timeout.toMillis() + " ms";
    }
    if (e instanceof ConnectException) {
      return "cannot connect (" + (e.getMessage() == null ? "refused" : e.getMessage()) + ")";
    }
    if (e instanceof BoundedBody.BodyTooLargeException) {
      return String.valueOf(e.getMessage());
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** Clients connected to the broker at the last scrape; empty when unknown or stale. */
  public synchronized OptionalLong connections() {
    return fresh(System.nanoTime()) ? rates.connections() : OptionalLong.empty();
  }

  /** Messages per second the broker received between the last two scrapes; empty when unknown. */
  public synchronized OptionalDouble msgRate(long nowNanos) {
    return fresh(nowNanos) ? rates.rate() : OptionalDouble.empty();
  }

  private boolean fresh(long nowNanos) {
    return lastGoodNanos != 0 && nowNanos - lastGoodNanos <= staleNanos;
  }

  /** The names in use: the fixed set, the recognised one, or null while none is recognised. */
  public synchronized @Nullable MetricNames names() {
    return recognised;
  }

  @Override
  public void close() {
    clock.shutdownNow();
    synchronized (this) {
      if (body != null) {
        body.cancel();
      }
    }
    httpThread.shutdownNow();
  }

  @Override
  public String toString() {
    return "metrics at " + url + " (" + (fixed == null ? "auto" : fixed.format()) + ")";
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
