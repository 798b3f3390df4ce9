package io.mqttdispatcher.probe.config;

import io.mqttdispatcher.cli.HostPort;
import io.mqttdispatcher.cli.SecretFile;
import io.mqttdispatcher.protocol.BrokerGroup;
import io.mqttdispatcher.protocol.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The broker this probe runs beside, as the dispatchers see it.
 *
 * @param id id shown in the dispatcher, 1 to 256 characters
 * @param endpoints advertised endpoints per transport; {@code mqtt} is required
 * @param check where to check that the broker answers
 * @param capacity how much work this broker can take relative to the others, greater than 0
 * @param group the broker's group, and whether that group's brokers share sessions (a cluster)
 * @param username the probe's broker account (takeovers and {@code $SYS}), or null for none
 * @param password its password (never logged), or null
 */
public record Broker(
    String id,
    Map<Transport, String> endpoints,
    HostPort check,
    double capacity,
    BrokerGroup group,
    @Nullable String username,
    byte @Nullable [] password) {

  public Broker {
    Objects.requireNonNull(id, "brokerId");
    Objects.requireNonNull(check, "brokerCheck");
    Objects.requireNonNull(group, "group");
    if (id.isBlank() || id.length() > 256) {
      throw new IllegalArgumentException("--broker-id must be 1 to 256 characters");
    }
    endpoints = Map.copyOf(endpoints);
    if (!endpoints.containsKey(Transport.MQTT)) {
      throw new IllegalArgumentException("an --endpoint mqtt=HOST:PORT is required");
    }
    if (!(capacity > 0) || Double.isInfinite(capacity)) {
      throw new IllegalArgumentException(
          "--capacity must be a number greater than 0, was " + capacity);
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("--broker-password-file needs --broker-username");
    }
    password = password == null ? null : password.clone();
  }

  /** The broker account's password; a copy. */
  @Override
  public byte @Nullable [] password() {
    return password == null ? null : password.clone();
  }

  /** The default {@code --broker-id}: this machine's host name. */
  public static String defaultId() {
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

  @Override
  public String toString() {
    // Never print the password.
    return "Broker[id="
        + id
        + ", endpoints="
        + endpoints
        + ", check="
        + check
        + ", capacity="
        + capacity
        + ", group="
        + group.name()
        + (group.cluster() ? " (cluster)" : "")
        + ", username="
        + username
        + "]";
  }

  /** The command-line options of {@link Broker}, declared once; a picocli mixin. */
  public static final class Options {
    @Option(
        names = "--broker-id",
        paramLabel = "ID",
        description = "Id shown in the dispatcher (default: this machine's host name).")
    @Nullable String id;

    @Option(
        names = "--endpoint",
        paramLabel = "KIND=ADDRESS",
        required = true,
        description =
            "Advertised endpoint; repeatable: mqtt=host:port (required), mqtts=host:port, "
                + "ws=ws://host:port/mqtt, wss=wss://host:port/mqtt.")
    List<String> endpoints = new ArrayList<>();

    @Option(
        names = "--broker-check",
        paramLabel = "HOST:PORT",
        converter = HostPort.Converter.class,
        description =
            "Where to check that the broker answers an MQTT v5 CONNECT (default: the mqtt endpoint).")
    @Nullable HostPort check;

    @Option(
        names = "--capacity",
        paramLabel = "N",
        defaultValue = "1",
        description =
            "How much work this broker can take relative to the others: 2 for a broker that can do twice "
                + "the work of a 1, e.g. a multi-threaded broker on twice the cores (default: ${DEFAULT-VALUE}).")
    double capacity;

    @Option(
        names = "--group",
        paramLabel = "NAME",
        defaultValue = "default",
        description =
            "The broker's group: routing rules send devices to a group, the dispatcher picks a broker inside it"
                + " (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(
        names = "--cluster",
        description =
            "The group's brokers share sessions (one clustered broker), so a device with a session may go to"
                + " any of them. Give it on every probe of the group; without it the brokers are independent.")
    boolean cluster;

    @Option(
        names = "--broker-username",
        paramLabel = "NAME",
        description = "The probe's account on the broker, for takeovers and $SYS (default: none).")
    @Nullable String username;

    @Option(
        names = "--broker-password-file",
        paramLabel = "FILE",
        description = "Password of --broker-username (file content, trailing newline stripped).")
    @Nullable Path passwordFile;

    /** The validated settings; reads the password file. */
    public Broker value() {
      Map<Transport, String> parsed = Endpoints.parse(endpoints);
      String mqtt = parsed.get(Transport.MQTT);
      if (mqtt == null) {
        throw new IllegalArgumentException("an --endpoint mqtt=HOST:PORT is required");
      }
      if (!BrokerGroup.validName(group)) {
        throw new IllegalArgumentException(
            "--group must be 1 to 64 letters, digits, '.', '_' or '-', was '" + group + "'");
      }
      return new Broker(
          id != null ? id : defaultId(),
          parsed,
          check != null ? check : HostPort.parse(mqtt),
          capacity,
          new BrokerGroup(group, cluster),
          username,
          passwordFile == null ? null : SecretFile.read(passwordFile));
    }
  }
}
