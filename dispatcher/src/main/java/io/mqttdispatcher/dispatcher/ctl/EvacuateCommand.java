package io.mqttdispatcher.dispatcher.ctl;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctl evacuate ID}: move every device off broker ID at a bounded rate ({@code POST
 * /brokers/{id}/evacuate}).
 */
@Command(
    name = "evacuate",
    mixinStandardHelpOptions = true,
    description =
        "Send broker ID no new devices and move every device off it at a bounded rate; "
            + "'ctl undrain ID' ends it. Its progress shows in 'ctl brokers'.")
final class EvacuateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @CommandLine.Mixin AdminConnection connection;

  @CommandLine.Parameters(paramLabel = "ID", description = "The broker id.")
  String broker;

  @Option(
      names = "--rate",
      paramLabel = "N",
      description = "Devices moved per second (default: the dispatcher's).")
  @Nullable Double rate;

  @Option(
      names = "--include-sessions",
      description =
          "Move devices that keep a session too (they lose their queued messages on independent brokers).")
  boolean includeSessions;

  @Override
  public Integer call() {
    JsonObject body = new JsonObject().put("includeSessions", includeSessions);
    if (rate != null) {
      body.put("rate", rate);
    }
    return CtlCommand.print(
        spec,
        connection.client().post("/brokers/" + BrokerPath.segment(broker) + "/evacuate", body));
  }
}
