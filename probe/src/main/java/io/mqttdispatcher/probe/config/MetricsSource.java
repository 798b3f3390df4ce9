package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.probe.metrics.MetricNames;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A broker's Prometheus endpoint and which of its metrics give connections and received messages
 * ({@code --metrics-url}, {@code --metrics-format}, {@code --metrics-connections}, {@code
 * --metrics-messages}).
 *
 * @param url an {@code http} URL
 * @param names the names to read, or null to recognise a built-in set from the endpoint
 */
public record MetricsSource(URI url, @Nullable MetricNames names) {
  public static final String DEFAULT_FORMAT = "auto";

  public MetricsSource {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--metrics-url must be an http:// or https:// URL with a host, was " + url);
    }
    if (url.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "--metrics-url must not carry credentials (they would be logged)");
    }
  }

  /**
   * From the command line's options; {@code connections} and {@code messages} (custom names) go
   * with format {@code auto} only.
   */
  public static MetricsSource of(
      String url, String format, @Nullable String connections, @Nullable String messages) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--metrics-url is not a URL: " + url);
    }
    MetricNames builtIn = MetricNames.builtIn(format);
    if (connections != null || messages != null) {
      if (builtIn != null) {
        throw new IllegalArgumentException(
            "give --metrics-format or --metrics-connections/--metrics-messages, not both");
      }
      return new MetricsSource(uri, MetricNames.custom(connections, messages));
    }
    return new MetricsSource(uri, builtIn);
  }

  @Override
  public String toString() {
    return url + " (" + (names == null ? "auto" : names.format()) + ")";
  }
}
