package io.mqttdispatcher.dispatcher.config;

import io.mqttdispatcher.cli.DurationConverter;
import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.dispatcher.policy.BoundedLoad;
import io.mqttdispatcher.dispatcher.policy.BrokerPolicy;
import io.mqttdispatcher.dispatcher.policy.PolicyName;
import io.mqttdispatcher.dispatcher.policy.SessionRecords;
import io.mqttdispatcher.dispatcher.rebalance.AutomaticTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the dispatcher is configured with. Defaults live here and only here; the command line
 * refers to these constants. Build with {@link #builder(byte[])}, which names every option.
 *
 * @param listen MQTT over TCP listener for devices
 * @param wsListen MQTT over WebSocket listener for devices, or null for none
 * @param wsPath HTTP path of MQTT over WebSocket
 * @param tlsListen MQTT over TLS listener for devices, or null for none
 * @param tlsCert PEM certificate chain of the TLS listener, or null
 * @param tlsKey PEM (PKCS#8) private key of the TLS listener, or null
 * @param wssListen MQTT over secure WebSocket listener for devices (TLS with {@code tlsCert} and
 *     {@code tlsKey}, WebSocket on {@code wsPath}), or null for none
 * @param probeListen listener for probe reports
 * @param probeTlsCert PEM certificate chain of the probe listener, or null for plain TCP
 * @param probeTlsKey PEM (PKCS#8) private key of the probe listener, or null
 * @param probeClientCa PEM certificates a probe's client certificate must chain to (mutual TLS), or
 *     null to ask probes for no certificate
 * @param adminListen HTTP admin API
 * @param probeSecret shared secret probes authenticate with (never logged)
 * @param allow endpoints devices may be sent to
 * @param redirectCode reason code of a redirect CONNACK
 * @param policy how a broker is chosen
 * @param window load averaging window
 * @param staleAfter a broker without a report for this long is not used
 * @param connectTimeout close a device that sends no CONNECT within this time
 * @param maxConnectSize largest CONNECT accepted, in bytes of remaining length
 * @param maxPending device connections that may wait for their CONNECT at once; more are closed
 * @param maxConnectsPerSource new connections per source address per second; 0 = no limit
 * @param ioThreads event loops for device connections (one per core by default)
 * @param transport what the device listeners run on: io_uring, epoll or NIO, or the best this host
 *     allows ({@link TransportChoice#AUTO})
 * @param affinityRecords session placements remembered at most (see {@link SessionRecords})
 * @param affinityEpsilon session devices skip brokers above (1 + this) times the mean load ({@link
 *     BoundedLoad})
 * @param adminToken bearer token for admin changes (drain); null disables them
 * @param routingFile routing rules (YAML) mapping devices to broker groups, or null to treat every
 *     broker as one pool
 * @param deviceTable client ids whose last redirect is kept for {@code GET /devices/{id}}; 0 keeps
 *     none
 * @param parking holding CONNECTs while no broker is usable ({@link Parking})
 * @param autoRebalance automatic mode's settings ({@link AutomaticTrigger}), or null when it is off
 * @param autoRebalanceBy what automatic mode balances: connections (rebalance plans) or load
 *     (message rate, one device moved and weighed at a time)
 * @param autoRebalanceLoadSpread by load: moves start when the spread of message rate per unit of
 *     capacity between the hottest and coolest broker stays above this fraction of the mean, and
 *     stop once within it
 */
public record DispatcherOptions(
    HostPort listen,
    @Nullable HostPort wsListen,
    String wsPath,
    @Nullable HostPort tlsListen,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable HostPort wssListen,
    HostPort probeListen,
    @Nullable Path probeTlsCert,
    @Nullable Path probeTlsKey,
    @Nullable Path probeClientCa,
    HostPort adminListen,
    byte[] probeSecret,
    AllowList allow,
    RedirectCode redirectCode,
    PolicyName policy,
    Duration window,
    Duration staleAfter,
    Duration connectTimeout,
    int maxConnectSize,
    int maxPending,
    int maxConnectsPerSource,
    int ioThreads,
    TransportChoice transport,
    int affinityRecords,
    double affinityEpsilon,
    byte @Nullable [] adminToken,
    @Nullable Path routingFile,
    int deviceTable,
    AutomaticTrigger.@Nullable Settings autoRebalance,
    AutoRebalanceBy autoRebalanceBy,
    double autoRebalanceLoadSpread,
    Parking parking) {

  public static final String DEFAULT_LISTEN = "0.0.0.0:1883";
  public static final String DEFAULT_WS_PATH = "/mqtt";
  public static final String DEFAULT_PROBE_LISTEN = "0.0.0.0:7883";
  public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:8080";
  public static final String DEFAULT_REDIRECT_CODE = "use-another-server";
  public static final String DEFAULT_POLICY = "least-load";
  public static final String DEFAULT_WINDOW = "5s";
  public static final String DEFAULT_STALE_AFTER = "3s";
  public static final String DEFAULT_CONNECT_TIMEOUT = "5s";
  public static final String DEFAULT_MAX_CONNECT_SIZE = "65536";
  public static final String DEFAULT_MAX_PENDING = "20000";

  /** Off by default: fleets behind NAT share one address. */
  public static final String DEFAULT_MAX_CONNECTS_PER_SOURCE = "0";

  /** 0 means one event loop per available core. */
  public static final String DEFAULT_IO_THREADS = "0";

  /** io_uring where allowed, else epoll, else NIO. */
  public static final String DEFAULT_TRANSPORT = "auto";

  /** Enough for a fleet of a million session devices; about 200 MB of heap when full. */
  public static final String DEFAULT_AFFINITY_RECORDS = "1000000";

  public static final String DEFAULT_AFFINITY_EPSILON = "0.25";

  /**
   * About 10 MB when full ({@link
   * io.mqttdispatcher.dispatcher.devices.DeviceTable#BYTES_PER_DEVICE}).
   */
  public static final String DEFAULT_DEVICE_TABLE = "100000";

  /** Automatic rebalance: how long an imbalance must last before a plan starts. */
  public static final String DEFAULT_AUTO_REBALANCE_AFTER = "60s";

  /** Automatic rebalance: no plan starts within this time of the last one's start or end. */
  public static final String DEFAULT_AUTO_REBALANCE_COOL_DOWN = "5m";

  /**
   * Automatic rebalance starts when a broker is this many connections above the below-mean brokers'
   * mean...
   */
  public static final String DEFAULT_AUTO_REBALANCE_ABS_THRESHOLD = "100";

  /** ... and this many times their mean. */
  public static final String DEFAULT_AUTO_REBALANCE_REL_THRESHOLD = "1.2";

  /** The plan it starts stops at thresholds tightened by this factor (hysteresis). */
  public static final double DEFAULT_AUTO_REBALANCE_STOP_FACTOR = 0.5;

  /** Devices each donor moves per second in an automatic plan. */
  public static final String DEFAULT_AUTO_REBALANCE_RATE = "50";

  /** Automatic mode balances connections unless told to balance load. */
  public static final String DEFAULT_AUTO_REBALANCE_BY = "connections";

  /**
   * By load: moves start above this spread (hottest minus coolest broker's message rate per unit of
   * capacity) as a fraction of the mean, and stop once within it.
   */
  public static final String DEFAULT_AUTO_REBALANCE_LOAD_SPREAD = "0.25";

  /**
   * By load: spreads of at most this many messages per second never count, so idle brokers' noise
   * moves nothing.
   */
  public static final double DEFAULT_AUTO_REBALANCE_MIN_RATE = 50;

  /** By load: from a device's move to its weighing (a few report intervals). */
  public static final Duration DEFAULT_AUTO_REBALANCE_SETTLE = Duration.ofSeconds(5);

  /** By load: moves in a row that did not narrow the spread, after which moves stop. */
  public static final int DEFAULT_AUTO_REBALANCE_MOVES_WITHOUT_GAIN = 2;

  /** By load: moves at most in one episode, before a cool-down. */
  public static final int DEFAULT_AUTO_REBALANCE_MAX_MOVES = 20;

  public DispatcherOptions {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(wsPath, "wsPath");
    if (tlsListen != null && (tlsCert == null || tlsKey == null)) {
      throw new IllegalArgumentException("--tls-listen needs --tls-cert and --tls-key (PEM files)");
    }
    if (wssListen != null && (tlsCert == null || tlsKey == null)) {
      throw new IllegalArgumentException("--wss-listen needs --tls-cert and --tls-key (PEM files)");
    }
    if ((probeTlsCert == null) != (probeTlsKey == null)) {
      throw new IllegalArgumentException(
          "--probe-tls-cert and --probe-tls-key go together (PEM files)");
    }
    if (probeClientCa != null && probeTlsCert == null) {
      throw new IllegalArgumentException(
          "--probe-client-ca needs --probe-tls-cert and --probe-tls-key (mutual TLS is TLS first)");
    }
    if (!wsPath.startsWith("/")) {
      throw new IllegalArgumentException("--ws-path must start with '/', was '" + wsPath + "'");
    }
    Objects.requireNonNull(probeListen, "probeListen");
    Objects.requireNonNull(parking, "parking");
    Objects.requireNonNull(adminListen, "adminListen");
    Objects.requireNonNull(probeSecret, "probeSecret");
    Objects.requireNonNull(allow, "allow");
    Objects.requireNonNull(redirectCode, "redirectCode");
    Objects.requireNonNull(policy, "policy");
    requirePositive(window, "--window");
    requirePositive(staleAfter, "--stale-after");
    requirePositive(connectTimeout, "--connect-timeout");
    if (probeSecret.length == 0) {
      throw new IllegalArgumentException("the probe secret must not be empty");
    }
    if (maxConnectSize < 16) {
      throw new IllegalArgumentException(
          "--max-connect-size must be at least 16 bytes, was " + maxConnectSize);
    }
    if (maxPending < 1) {
      throw new IllegalArgumentException("--max-pending must be at least 1, was " + maxPending);
    }
    if (maxConnectsPerSource < 0) {
      throw new IllegalArgumentException(
          "--max-connects-per-source must be 0 (no limit) or more, was " + maxConnectsPerSource);
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException(
          "--io-threads must be 0 (one per core) or more, was " + ioThreads);
    }
    if (affinityRecords < 0) {
      throw new IllegalArgumentException(
          "--affinity-records must be 0 (keep none) or more, was " + affinityRecords);
    }
    if (!(affinityEpsilon >= 0)) {
      throw new IllegalArgumentException(
          "--affinity-epsilon must be 0 or more, was " + affinityEpsilon);
    }
    if (deviceTable < 0) {
      throw new IllegalArgumentException(
          "--device-table must be 0 (keep none) or more, was " + deviceTable);
    }
    Objects.requireNonNull(autoRebalanceBy, "autoRebalanceBy");
    Objects.requireNonNull(transport, "transport");
    if (!(autoRebalanceLoadSpread > 0) || Double.isInfinite(autoRebalanceLoadSpread)) {
      throw new IllegalArgumentException(
          "--auto-rebalance-load-spread must be above 0, was " + autoRebalanceLoadSpread);
    }
    if (ioThreads == 0) {
      ioThreads = Runtime.getRuntime().availableProcessors();
    }
  }

  /** A builder with every default, for the given probe secret. */
  public static Builder builder(byte[] probeSecret) {
    return new Builder(probeSecret);
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(probeSecret);
    b.listen = listen;
    b.wsListen = wsListen;
    b.wsPath = wsPath;
    b.tlsListen = tlsListen;
    b.tlsCert = tlsCert;
    b.tlsKey = tlsKey;
    b.wssListen = wssListen;
    b.probeListen = probeListen;
    b.probeTlsCert = probeTlsCert;
    b.probeTlsKey = probeTlsKey;
    b.probeClientCa = probeClientCa;
    b.adminListen = adminListen;
    b.allow = allow;
    b.redirectCode = redirectCode;
    b.policy = policy;
    b.window = window;
    b.staleAfter = staleAfter;
    b.connectTimeout = connectTimeout;
    b.maxConnectSize = maxConnectSize;
    b.maxPending = maxPending;
    b.maxConnectsPerSource = maxConnectsPerSource;
    b.ioThreads = ioThreads;
    b.transport = transport;
    b.affinityRecords = affinityRecords;
    b.affinityEpsilon = affinityEpsilon;
    b.adminToken = adminToken;
    b.routingFile = routingFile;
    b.deviceTable = deviceTable;
    b.autoRebalance = autoRebalance;
    b.autoRebalanceBy = autoRebalanceBy;
    b.autoRebalanceLoadSpread = autoRebalanceLoadSpread;
    b.parking = parking;
    return b;
  }

  /** The policy these options name, with session affinity as configured. */
  public BrokerPolicy createPolicy() {
    return policy.create(window, affinityRecords, new BoundedLoad(affinityEpsilon));
  }

  /** These options with the probe listener on {@code address}. */
  public DispatcherOptions withProbeListen(HostPort address) {
    return toBuilder().probeListen(address).build();
  }

  /**
   * Builds {@link DispatcherOptions} by name, starting from the defaults above; {@link #build()}
   * validates. Setters return the builder.
   */
  public static final class Builder {
    private final byte[] probeSecret;
    private HostPort listen = HostPort.parse(DEFAULT_LISTEN);
    private @Nullable HostPort wsListen;
    private String wsPath = DEFAULT_WS_PATH;
    private @Nullable HostPort tlsListen;
    private @Nullable Path tlsCert;
    private @Nullable Path tlsKey;
    private @Nullable HostPort wssListen;
    private @Nullable Path probeTlsCert;
    private @Nullable Path probeTlsKey;
    private @Nullable Path probeClientCa;
    private HostPort probeListen = HostPort.parse(DEFAULT_PROBE_LISTEN);
    private HostPort adminListen = HostPort.parse(DEFAULT_ADMIN_LISTEN);
    private AllowList allow = AllowList.of(List.of());
    private RedirectCode redirectCode = RedirectCode.parse(DEFAULT_REDIRECT_CODE);
    private PolicyName policy = PolicyName.parse(DEFAULT_POLICY);
    private Duration window = DurationConverter.parse(DEFAULT_WINDOW);
    private Duration staleAfter = DurationConverter.parse(DEFAULT_STALE_AFTER);
    private Duration connectTimeout = DurationConverter.parse(DEFAULT_CONNECT_TIMEOUT);
    private int maxConnectSize = Integer.parseInt(DEFAULT_MAX_CONNECT_SIZE);
    private int maxPending = Integer.parseInt(DEFAULT_MAX_PENDING);
    private int maxConnectsPerSource = Integer.parseInt(DEFAULT_MAX_CONNECTS_PER_SOURCE);
    private int ioThreads = Integer.parseInt(DEFAULT_IO_THREADS);
    private TransportChoice transport = TransportChoice.parse(DEFAULT_TRANSPORT);
    private int affinityRecords = Integer.parseInt(DEFAULT_AFFINITY_RECORDS);
    private double affinityEpsilon = Double.parseDouble(DEFAULT_AFFINITY_EPSILON);
    private byte @Nullable [] adminToken;
    private @Nullable Path routingFile;
    private int deviceTable = Integer.parseInt(DEFAULT_DEVICE_TABLE);
    private AutomaticTrigger.@Nullable Settings autoRebalance;
    private AutoRebalanceBy autoRebalanceBy = AutoRebalanceBy.parse(DEFAULT_AUTO_REBALANCE_BY);
    private double autoRebalanceLoadSpread = Double.parseDouble(DEFAULT_AUTO_REBALANCE_LOAD_SPREAD);
    private Parking parking = Parking.DEFAULT;

    private Builder(byte[] probeSecret) {
      this.probeSecret = Objects.requireNonNull(probeSecret, "probeSecret");
    }

    public Builder listen(HostPort v) {
      listen = v;
      return this;
    }

    public Builder wsListen(@Nullable HostPort v) {
      wsListen = v;
      return this;
    }

    public Builder wsPath(String v) {
      wsPath = v;
      return this;
    }

    public Builder tlsListen(@Nullable HostPort v) {
      tlsListen = v;
      return this;
    }

    public Builder tlsCert(@Nullable Path v) {
      tlsCert = v;
      return this;
    }

    public Builder tlsKey(@Nullable Path v) {
      tlsKey = v;
      return this;
    }

    public Builder wssListen(@Nullable HostPort v) {
      wssListen = v;
      return this;
    }

    public Builder probeListen(HostPort v) {
      probeListen = v;
      return this;
    }

    public Builder probeTlsCert(@Nullable Path v) {
      probeTlsCert = v;
      return this;
    }

    public Builder probeTlsKey(@Nullable Path v) {
      probeTlsKey = v;
      return this;
    }

    public Builder probeClientCa(@Nullable Path v) {
      probeClientCa = v;
      return this;
    }

    public Builder adminListen(HostPort v) {
      adminListen = v;
      return this;
    }

    public Builder allow(AllowList v) {
      allow = v;
      return this;
    }

    public Builder redirectCode(RedirectCode v) {
      redirectCode = v;
      return this;
    }

    public Builder policy(PolicyName v) {
      policy = v;
      return this;
    }

    public Builder window(Duration v) {
      window = v;
      return this;
    }

    public Builder staleAfter(Duration v) {
      staleAfter = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder maxConnectSize(int v) {
      maxConnectSize = v;
      return this;
    }

    public Builder maxPending(int v) {
      maxPending = v;
      return this;
    }

    public Builder maxConnectsPerSource(int v) {
      maxConnectsPerSource = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    public Builder transport(TransportChoice v) {
      transport = v;
      return this;
    }

    public Builder affinityRecords(int v) {
      affinityRecords = v;
      return this;
    }

    public Builder affinityEpsilon(double v) {
      affinityEpsilon = v;
      return this;
    }

    public Builder adminToken(byte @Nullable [] v) {
      adminToken = v;
      return this;
    }

    public Builder routingFile(@Nullable Path v) {
      routingFile = v;
      return this;
    }

    public Builder deviceTable(int v) {
      deviceTable = v;
      return this;
    }

    public Builder autoRebalance(AutomaticTrigger.@Nullable Settings v) {
      autoRebalance = v;
      return this;
    }

    public Builder autoRebalanceBy(AutoRebalanceBy v) {
      autoRebalanceBy = v;
      return this;
    }

    public Builder autoRebalanceLoadSpread(double v) {
      autoRebalanceLoadSpread = v;
      return this;
    }

    public Builder parking(Parking v) {
      parking = v;
      return this;
    }

    /** The options; throws {@link IllegalArgumentException} naming the option that is wrong. */
    public DispatcherOptions build() {
      return new DispatcherOptions(
          listen,
          wsListen,
          wsPath,
          tlsListen,
          tlsCert,
          tlsKey,
          wssListen,
          probeListen,
          probeTlsCert,
          probeTlsKey,
          probeClientCa,
          adminListen,
          probeSecret,
          allow,
          redirectCode,
          policy,
          window,
          staleAfter,
          connectTimeout,
          maxConnectSize,
          maxPending,
          maxConnectsPerSource,
          ioThreads,
          transport,
          affinityRecords,
          affinityEpsilon,
          adminToken,
          routingFile,
          deviceTable,
          autoRebalance,
          autoRebalanceBy,
          autoRebalanceLoadSpread,
          parking);
    }
  }

  private static void requirePositive(Duration d, String option) {
    Objects.requireNonNull(d, option);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(option + " must be longer than 0");
    }
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "DispatcherOptions[listen="
        + listen
        + ", wsListen="
        + wsListen
        + ", wsPath="
        + wsPath
        + ", tlsListen="
        + tlsListen
        + ", tlsCert="
        + tlsCert
        + ", wssListen="
        + wssListen
        + ", probeListen="
        + probeListen
        + ", probeTlsCert="
        + probeTlsCert
        + ", probeClientCa="
        + probeClientCa
        + ", adminListen="
        + adminListen
        + ", allow="
        + allow
        + ", redirectCode="
        + redirectCode
        + ", policy="
        + policy.optionName()
        + ", window="
        + window
        + ", staleAfter="
        + staleAfter
        + ", connectTimeout="
        + connectTimeout
        + ", maxConnectSize="
        + maxConnectSize
        + ", maxPending="
        + maxPending
        + ", maxConnectsPerSource="
        + maxConnectsPerSource
        + ", ioThreads="
        + ioThreads
        + ", transport="
        + transport.optionName()
        + ", affinityRecords="
        + affinityRecords
        + ", affinityEpsilon="
        + affinityEpsilon
        + ", adminToken="
        + (adminToken == null ? "none" : "set")
        + ", routingFile="
        + routingFile
        + ", deviceTable="
        + deviceTable
        + ", autoRebalance="
        + autoRebalance
        + ", autoRebalanceBy="
        + autoRebalanceBy.optionName()
        + ", autoRebalanceLoadSpread="
        + autoRebalanceLoadSpread
        + ", parking="
        + parking
        + "]";
  }
}
