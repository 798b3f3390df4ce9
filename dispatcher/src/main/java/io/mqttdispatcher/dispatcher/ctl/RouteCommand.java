package io.mqttdispatcher.dispatcher.ctl;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ctl route}: where would this CONNECT go, and why ({@code GET /route}, a dry run). */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description =
        "Ask where a CONNECT with these fields would go now, and why: the routing rule, the group and the "
            + "broker. A dry run: nothing is counted or recorded.")
final class RouteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @CommandLine.Mixin AdminConnection connection;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      required = true,
      description = "The CONNECT's client identifier.")
  String clientId;

  @Option(names = "--username", paramLabel = "NAME", description = "The CONNECT's user name.")
  @Nullable String username;

  @Option(names = "--address", paramLabel = "IP", description = "The device's source address.")
  @Nullable String address;

  @Option(
      names = "--transport",
      paramLabel = "mqtt|mqtts|ws|wss",
      defaultValue = "mqtt",
      description = "The listener the device comes in on (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = "--property",
      paramLabel = "NAME=VALUE",
      description = "An MQTT v5 user property of the CONNECT; repeatable.")
  List<String> properties = new ArrayList<>();

  @Option(
      names = "--session",
      description = "The device keeps a session (Clean Start 0 or Session Expiry above 0).")
  boolean session;

  @Override
  public Integer call() {
    StringBuilder query =
        new StringBuilder("/route?clientId=")
            .append(encode(clientId))
            .append("&transport=")
            .append(encode(transport));
    if (username != null) {
      query.append("&username=").append(encode(username));
    }
    if (address != null) {
      query.append("&address=").append(encode(address));
    }
    for (String p : properties) {
      if (p.indexOf('=') <= 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--property '" + p + "' must be NAME=VALUE");
      }
      query.append("&property=").append(encode(p));
    }
    if (session) {
      query.append("&session=true");
    }
    return CtlCommand.print(spec, connection.client().get(query.toString()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
