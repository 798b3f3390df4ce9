package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a probe is configured with. Defaults live here and only here; the command line refers
 * to these constants.
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
    @Nullable DispatcherTls tls) {

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
   * Options of a broker in the {@link BrokerGroup#DEFAULT} group, measured against all of the
   * host's cores.
   */
  public ProbeOptions(
      String brokerId,
      Map<Transport, String> endpoints,
      List<HostPort> dispatchers,
      byte[] secret,
      Duration interval,
      @Nullable Long pid,
      @Nullable String processName,
      HostPort brokerCheck,
      boolean sysTopics,
      double capacity,
      double minChange) {
    this(
        brokerId,
        endpoints,
        dispatchers,
        secret,
        interval,
        pid,
        processName,
        null,
        brokerCheck,
        sysTopics,
        capacity,
        minChange,
        BrokerGroup.DEFAULT);
  }

  /**
   * Options of a broker in {@code group}, all its host's cores, the default evictor and no broker
   * account.
   */
  public ProbeOptions(
      String brokerId,
      Map<Transport, String> endpoints,
      List<HostPort> dispatchers,
      byte[] secret,
      Duration interval,
      @Nullable Long pid,
      @Nullable String processName,
      HostPort brokerCheck,
      boolean sysTopics,
      double capacity,
      double minChange,
      BrokerGroup group) {
    this(
        brokerId,
        endpoints,
        dispatchers,
        secret,
        interval,
        pid,
        processName,
        null,
        brokerCheck,
        sysTopics,
        capacity,
        minChange,
        group);
  }

  /** Options with the default evictor and no broker account. */
  public ProbeOptions(
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
      BrokerGroup group) {
    this(
        brokerId,
        endpoints,
        dispatchers,
        secret,
        interval,
        pid,
        processName,
        brokerCores,
        brokerCheck,
        sysTopics,
        capacity,
        minChange,
        group,
        DEFAULT_EVICTOR,
        Integer.parseInt(DEFAULT_MAX_KNOWN_CLIENTS),
        null,
        null,
        null);
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
        + "]";
  }
}
