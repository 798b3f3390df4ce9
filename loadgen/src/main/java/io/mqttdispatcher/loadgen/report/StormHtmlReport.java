package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.storm.StormEvent;
import io.mqttdispatcher.loadgen.storm.StormResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The storm's {@code report.html}: one page, charts embedded, readable without a network. */
final class StormHtmlReport {
  private StormHtmlReport() {}

  static String render(String command, List<StormResult> results) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadgen storm</title>\n<style>")
        .append(
            "body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
        .append(
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append("img{display:block;margin:1em 0}.warn{color:#a40}code{background:#eee;padding:2px}")
        .append("</style></head><body>\n");
    h.append("<h1>Reconnect storm</h1>\n");
    h.append("<p>Command: <code>").append(HtmlReport.esc(command)).append("</code></p>\n");
    h.append("<p>")
        .append(results.get(0).devices())
        .append(" idle devices on ")
        .append(results.get(0).brokers().size())
        .append(
            " brokers. One broker is killed (SIGKILL) and stays dead; then every broker and its probe are killed at "
                + "once (a power cut) and started again after the outage, so every device must reconnect. \"All back after\" "
                + "is the time until every device was connected again. An attempt to a dead endpoint is a connection attempt "
                + "to a broker that was down at the time.</p>\n");
    h.append("<h2>Summary</h2>\n").append(HtmlReport.table(StormSummaryTable.rows(results)));
    for (StormResult r : results) {
      h.append("<h2>Strategy ")
          .append(HtmlReport.esc(r.strategy()))
          .append(": ")
          .append(HtmlReport.esc(r.entry()))
          .append("</h2>\n");
      for (String w : r.warnings()) {
        h.append("<p class=\"warn\">").append(HtmlReport.esc(w)).append("</p>\n");
      }
      h.append("<img alt=\"devices per broker, ")
          .append(HtmlReport.esc(r.strategy()))
          .append("\" src=\"")
          .append(Charts.devicesPerBroker(r))
          .append("\">\n");
      String reported = Charts.reportedConnections(r);
      h.append(
          reported == null
              ? "<p>The brokers report no connection count (no <code>$SYS</code> tree).</p>\n"
              : "<img alt=\"connections reported by the brokers, "
                  + HtmlReport.esc(r.strategy())
                  + "\" src=\""
                  + reported
                  + "\">\n");
      h.append(
          "<table><tr><th>event</th><th>at s</th><th>devices lost</th><th>all back after s</th><th>attempts</th>"
              + "<th>failed</th><th>to a dead endpoint</th><th>failures by cause</th></tr>\n");
      for (StormEvent e : r.events()) {
        h.append(
            String.format(
                Locale.ROOT,
                "<tr><td>%s</td><td>%.1f</td><td>%d</td><td>%s</td><td>%d</td><td>%d</td>"
                    + "<td>%d</td><td>%s</td></tr>%n",
                HtmlReport.esc(e.name()),
                e.atSeconds(),
                e.devicesLost(),
                e.allBackSeconds() == null
                    ? "not all"
                    : String.format(
                        Locale.ROOT,
                        "%.2f (from %s)",
                        e.allBackSeconds(),
                        HtmlReport.esc(e.measuredFrom())),
                e.attempts().attempts(),
                e.attempts().failed(),
                e.attempts().toDeadEndpoint(),
                causes(e.attempts().failedBy())));
      }
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String causes(Map<String, Long> failedBy) {
    if (failedBy.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    failedBy.forEach(
        (cause, n) ->
            s.append(s.length() == 0 ? "" : "; ")
                .append(HtmlReport.esc(cause))
                .append(": ")
                .append(n));
    return s.toString();
  }
}
