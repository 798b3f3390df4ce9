package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a probe is configured with. Defaults live here and only here; the command line refers
 * to these constants. Build with {@link #builder(String, Map, List, byte[])}, which names every
 * option.
 *
 * @param brokerId id shown in the dispatcher, 1 to 256 characters
 * @param endpoints advertised endpoints per transport; {@code mqtt} is required
 * @param dispatchers where to report; each name may resolve to several dispatcher replicas
 * @param secret shared secret (never logged)
 * @param interval sampling and report interval
 * @param pid process whose CPU and memory are reported, or null
 * @param processName name of the process whose CPU and memory are reported, or null; with neither
 *     this nor {@code pid}, the whole host is reported
 * @param brokerCores cores the broker can use (1 for a single-threaded broker such as Mosquitto),
 *     or null for all of the host's; CPU is reported as utilisation of these
 * @param brokerCheck where to check that the broker answers
 * @param sysTopics whether to read connections and message rate from the broker's {@code $SYS} tree
 * @param capacity how much work this broker can take relative to the others, greater than 0
 * @param minChange skip a report when the load changed less than this since the last one sent
 * @param group the broker's group, and whether that group's brokers share sessions (a cluster)
 * @param evictor how devices are moved off the broker: {@code mqtt-takeover}, or {@code none}
 * @param maxKnownClients client ids remembered for eviction (from the dispatchers and the broker's
 *     log)
 * @param brokerUsername the probe's broker account (takeovers and {@code $SYS}), or null for none
 * @param brokerPassword its password (never logged), or null
 * @param tls how to reach dispatchers over TLS, or null for plain TCP
 * @param metrics where to read connections and message rate from a Prometheus endpoint instead of
 *     {@code $SYS}, or null
 * @param stateFile where the broker's standing (draining, the eviction plan) is kept across
 *     restarts of the probe, or null to keep it in memory only
 */
public record ProbeOptions(
    String brokerId,
    Map<Transport, String> endpoints,
    List<HostPort> dispatchers,
    byte[] secret,
    Duration interval,
    @Nullable Long pid,
    @Nullable String processName,
    @Nullable Double brokerCores,
    HostPort brokerCheck,
    boolean sysTopics,
    double capacity,
    double minChange,
    BrokerGroup group,
    String evictor,
    int maxKnownClients,
    @Nullable String brokerUsername,
    byte @Nullable [] brokerPassword,
    @Nullable DispatcherTls tls,
    @Nullable MetricsSource metrics,
    @Nullable Path stateFile) {

  public static final String DEFAULT_EVICTOR = "mqtt-takeover";

  /** The evictors there are. */
  public static final java.util.List<String> EVICTORS = java.util.List.of("mqtt-takeover", "none");

  public static final String DEFAULT_MAX_KNOWN_CLIENTS = "100000";

  public static final String DEFAULT_INTERVAL = "1s";
  public static final String DEFAULT_SYS_TOPICS = "true";
  public static final String DEFAULT_CAPACITY = "1";
  public static final String DEFAULT_MIN_CHANGE = "0";
  public static final String DEFAULT_GROUP = "default";

  /**
   * A report goes out at least every this many intervals, even when {@code minChange} skips others:
   * two, so that a quiet broker never looks stale to a dispatcher with the default --stale-after (3
   * s at the default 1 s interval).
   */
  public static final int HEARTBEAT_INTERVALS = 2;

  /** Smallest accepted interval: below it the probe's own cost stops being negligible. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  public ProbeOptions {
    Objects.requireNonNull(brokerId, "brokerId");
    Objects.requireNonNull(evictor, "evictor");
    if (!EVICTORS.contains(evictor)) {
      throw new IllegalArgumentException(
          "--evictor must be one of " + String.join(", ", EVICTORS) + ", was " + evictor);
    }
    if (maxKnownClients < 1) {
      throw new IllegalArgumentException(
          "--max-known-clients must be at least 1, was " + maxKnownClients);
    }
    if (brokerPassword != null && brokerUsername == null) {
      throw new IllegalArgumentException("--broker-password-file needs --broker-username");
    }
    brokerPassword = brokerPassword == null ? null : brokerPassword.clone();
    Objects.requireNonNull(brokerCheck, "brokerCheck");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(group, "group");
    if (brokerId.isBlank() || brokerId.length() > 256) {
      throw new IllegalArgumentException("--broker-id must be 1 to 256 characters");
    }
    endpoints = Map.copyOf(endpoints);
    if (!endpoints.containsKey(Transport.MQTT)) {
      throw new IllegalArgumentException("an --endpoint mqtt=HOST:PORT is required");
    }
    dispatchers = List.copyOf(dispatchers);
    if (dispatchers.isEmpty()) {
      throw new IllegalArgumentException("at least one --dispatcher HOST:PORT is required");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("the secret must not be empty");
    }
    secret = secret.clone();
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "--interval must be at least " + DurationConverter.format(MIN_INTERVAL));
    }
    if (pid != null && processName != null) {
      throw new IllegalArgumentException("give --pid or --process, not both");
    }
    if (pid != null && pid <= 0) {
      throw new IllegalArgumentException("--pid must be a positive process id, was " + pid);
    }
    if (processName != null && processName.isBlank()) {
      throw new IllegalArgumentException("--process must name a process");
    }
    if (brokerCores != null && (!(brokerCores > 0) || brokerCores.isInfinite())) {
      throw new IllegalArgumentException(
          "--broker-cores must be a number of cores greater than 0, was " + brokerCores);
    }
    if (!(capacity > 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException(
          "--capacity must be a number greater than 0, was " + capacity);
    }
    if (!(minChange >= 0 && minChange < 1)) {
      throw new IllegalArgumentException(
          "--min-change must be a fraction in 0..1 (0 sends every report), was " + minChange);
    }
  }

  /**
   * A builder with every default (interval, {@code $SYS}, capacity, group, evictor, ...), for the
   * options that have none; the broker check defaults to the {@code mqtt} endpoint.
   */
  public static Builder builder(
      String brokerId,
      Map<Transport, String> endpoints,
      List<HostPort> dispatchers,
      byte[] secret) {
    return new Builder(brokerId, endpoints, dispatchers, secret);
  }

  /** The secret; a copy, so callers cannot change it. */
  @Override
  public byte[] secret() {
    return secret.clone();
  }

  /** The broker account's password; a copy. */
  @Override
  public byte @Nullable [] brokerPassword() {
    return brokerPassword == null ? null : brokerPassword.clone();
  }

  /** The longest time between two reports sent on one connection. */
  public Duration heartbeat() {
    return interval.multipliedBy(HEARTBEAT_INTERVALS);
  }

  /** The default {@code --broker-id}: this machine's host name. */
  public static String defaultBrokerId() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "cannot find this machine's host name (" + e.getMessage() + "): give --broker-id");
    }
  }

  /** The default {@code --broker-check}: the advertised {@code mqtt} endpoint. */
  public static HostPort defaultBrokerCheck(Map<Transport, String> endpoints) {
    String mqtt = endpoints.get(Transport.MQTT);
    if (mqtt == null) {
      throw new IllegalArgumentException("an --endpoint mqtt=HOST:PORT is required");
    }
    return HostPort.parse(mqtt);
  }

  /**
   * Builds {@link ProbeOptions} by name, starting from the defaults above; {@link #build()}
   * validates. Setters return the builder.
   */
  public static final class Builder {
    private final String brokerId;
    private final Map<Transport, String> endpoints;
    private final List<HostPort> dispatchers;
    private final byte[] secret;
    private Duration interval = DurationConverter.parse(DEFAULT_INTERVAL);
    private @Nullable Long pid;
    private @Nullable String processName;
    private @Nullable Double brokerCores;
    private @Nullable HostPort brokerCheck;
    private boolean sysTopics = Boolean.parseBoolean(DEFAULT_SYS_TOPICS);
    private double capacity = Double.parseDouble(DEFAULT_CAPACITY);
    private double minChange = Double.parseDouble(DEFAULT_MIN_CHANGE);
    private BrokerGroup group = BrokerGroup.DEFAULT;
    private String evictor = DEFAULT_EVICTOR;
    private int maxKnownClients = Integer.parseInt(DEFAULT_MAX_KNOWN_CLIENTS);
    private @Nullable String brokerUsername;
    private byte @Nullable [] brokerPassword;
    private @Nullable DispatcherTls tls;
    private @Nullable MetricsSource metrics;
    private @Nullable Path stateFile;

    private Builder(
        String brokerId,
        Map<Transport, String> endpoints,
        List<HostPort> dispatchers,
        byte[] secret) {
      this.brokerId = brokerId;
      this.endpoints = endpoints;
      this.dispatchers = dispatchers;
      this.secret = secret;
    }

    public Builder interval(Duration v) {
      interval = v;
      return this;
    }

    public Builder pid(@Nullable Long v) {
      pid = v;
      return this;
    }

    public Builder processName(@Nullable String v) {
      processName = v;
      return this;
    }

    public Builder brokerCores(@Nullable Double v) {
      brokerCores = v;
      return this;
    }

    /** Where to check that the broker answers; null (the default) for the mqtt endpoint. */
    public Builder brokerCheck(@Nullable HostPort v) {
      brokerCheck = v;
      return this;
    }

    public Builder sysTopics(boolean v) {
      sysTopics = v;
      return this;
    }

    public Builder capacity(double v) {
      capacity = v;
      return this;
    }

    public Builder minChange(double v) {
      minChange = v;
      return this;
    }

    public Builder group(BrokerGroup v) {
      group = v;
      return this;
    }

    public Builder evictor(String v) {
      evictor = v;
      return this;
    }

    public Builder maxKnownClients(int v) {
      maxKnownClients = v;
      return this;
    }

    public Builder brokerUsername(@Nullable String v) {
      brokerUsername = v;
      return this;
    }

    public Builder brokerPassword(byte @Nullable [] v) {
      brokerPassword = v;
      return this;
    }

    public Builder tls(@Nullable DispatcherTls v) {
      tls = v;
      return this;
    }

    /** Read connections and message rate from this Prometheus endpoint (null: from $SYS). */
    public Builder metrics(@Nullable MetricsSource v) {
      metrics = v;
      return this;
    }

    public Builder stateFile(@Nullable Path v) {
      stateFile = v;
      return this;
    }

    /** The options; throws {@link IllegalArgumentException} naming the option that is wrong. */
    public ProbeOptions build() {
      return new ProbeOptions(
          brokerId,
          endpoints,
          dispatchers,
          secret,
          interval,
          pid,
          processName,
          brokerCores,
          brokerCheck != null ? brokerCheck : defaultBrokerCheck(endpoints),
          sysTopics,
          capacity,
          minChange,
          group,
          evictor,
          maxKnownClients,
          brokerUsername,
          brokerPassword,
          tls,
          metrics,
          stateFile);
    }
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "ProbeOptions[brokerId="
        + brokerId
        + ", endpoints="
        + endpoints
        + ", dispatchers="
        + dispatchers
        + ", interval="
        + DurationConverter.format(interval)
        + ", pid="
        + pid
        + ", process="
        + processName
        + ", brokerCores="
        + (brokerCores == null ? "all" : brokerCores)
        + ", brokerCheck="
        + brokerCheck
        + ", sysTopics="
        + sysTopics
        + ", capacity="
        + capacity
        + ", minChange="
        + minChange
        + ", group="
        + group.name()
        + (group.cluster() ? " (cluster)" : "")
        + ", evictor="
        + evictor
        + ", maxKnownClients="
        + maxKnownClients
        + ", brokerUsername="
        + brokerUsername
        + ", tls="
        + tls
        + ", metrics="
        + metrics
        + ", stateFile="
        + stateFile
        + "]";
  }
}
