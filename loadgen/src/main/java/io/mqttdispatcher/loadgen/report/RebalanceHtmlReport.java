package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.rebalance.RebalanceResult;
import java.util.List;

/** The rebalance scenario's {@code report.html}: one page, charts embedded. */
final class RebalanceHtmlReport {
  private RebalanceHtmlReport() {}

  static String render(String command, List<RebalanceResult> results) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadgen rebalance</title>\n<style>")
        .append(
            "body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
        .append(
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}img{display:block;margin:1em 0}")
        .append(".warn{color:#a40}code{background:#eee;padding:2px}</style></head><body>\n");
    h.append("<h1>Moving live devices</h1>\n");
    h.append("<p>Command: <code>").append(HtmlReport.esc(command)).append("</code></p>\n");
    h.append(
        "<p>Real Mosquitto brokers, a real probe beside each and the dispatcher jar, each its own process on "
            + "loopback; idle devices that go back through the dispatcher when their broker drops them. Devices "
            + "per broker are the devices' own view (exact); the brokers' counts come from <code>$SYS</code> "
            + "through the probes, once a second. An eviction rate is measured on the devices: losses on the "
            + "broker from its 10&nbsp;%th to its 90&nbsp;%th move.</p>\n");
    h.append("<h2>Summary</h2>\n").append(HtmlReport.table(RebalanceSummaryTable.rows(results)));
    for (RebalanceResult r : results) {
      h.append("<h2>")
          .append(HtmlReport.esc(r.mode()))
          .append(r.passed() ? "" : " (a check FAILED)")
          .append("</h2>\n<p>")
          .append(HtmlReport.esc(r.description()))
          .append("</p>\n");
      for (String w : r.warnings()) {
        h.append("<p class=\"warn\">").append(HtmlReport.esc(w)).append("</p>\n");
      }
      h.append("<img alt=\"devices per broker, ")
          .append(HtmlReport.esc(r.mode()))
          .append("\" src=\"")
          .append(
              Charts.devicesPerBroker(
                  r.mode() + ": devices connected per broker",
                  r.brokers(),
                  r.timeline(),
                  r.marks(),
                  r.devices()))
          .append("\">\n");
      String reported =
          Charts.reportedConnections(
              r.mode() + ": connections each broker reports ($SYS, via its probe)",
              r.brokers(),
              r.timeline(),
              r.marks(),
              r.devices());
      if (reported != null) {
        h.append("<img alt=\"connections reported by the brokers, ")
            .append(HtmlReport.esc(r.mode()))
            .append("\" src=\"")
            .append(reported)
            .append("\">\n");
      }
    }
    h.append("</body></html>\n");
    return h.toString();
  }
}
