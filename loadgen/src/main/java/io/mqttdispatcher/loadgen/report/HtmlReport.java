package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.run.PublisherResult;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.util.List;
import java.util.Locale;

/** {@code report.html}: one page, charts embedded, readable without a network. */
final class HtmlReport {
  private HtmlReport() {}

  static String render(String command, List<StrategyResult> results, List<Summary> summaries) {
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>loadgen report: ")
        .append(esc(results.get(0).scenario()))
        .append("</title>\n<style>")
        .append(
            "body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}")
        .append(
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append("img{display:block;margin:1em 0}.warn{color:#a40}code{background:#eee;padding:2px}")
        .append("</style></head><body>\n");
    h.append("<h1>Scenario ").append(esc(results.get(0).scenario())).append("</h1>\n");
    h.append("<p>Command: <code>")
        .append(esc(command))
        .append("</code><br>Seed ")
        .append(results.get(0).seed())
        .append(", CPU source: ")
        .append(esc(results.get(0).loadSource()))
        .append("</p>\n");
    h.append("<h2>Summary</h2>\n").append(table(SummaryTable.rows(summaries)));
    h.append(
        "<p>Means are over the seconds when publishers were sending. The gap is the highest minus the lowest broker; "
            + "CPU gap is the mean over seconds of the highest minus the lowest broker CPU. "
            + "CPU per message is the data path's CPU time over the run (every broker process, plus HAProxy's "
            + "for the haproxy strategy) over the messages the brokers' subscribers counted; the dispatcher is "
            + "off the data path, its own CPU time over the run is given apart.</p>\n");
    h.append("<img alt=\"mean throughput per broker\" src=\"")
        .append(Charts.meanThroughput(summaries))
        .append("\">\n");
    for (StrategyResult r : results) {
      h.append("<h2>Strategy ").append(esc(r.strategy())).append("</h2>\n");
      for (String w : r.warnings()) {
        h.append("<p class=\"warn\">").append(esc(w)).append("</p>\n");
      }
      h.append("<img alt=\"throughput ")
          .append(esc(r.strategy()))
          .append("\" src=\"")
          .append(Charts.throughput(r))
          .append("\">\n");
      String cpu = Charts.cpu(r);
      h.append(
          cpu == null
              ? "<p>No CPU measured.</p>\n"
              : "<img alt=\"cpu " + esc(r.strategy()) + "\" src=\"" + cpu + "\">\n");
      h.append(
          "<h3>Publishers in arrival order</h3>\n<table><tr><th>#</th><th>publisher</th><th>broker</th><th>hops</th>"
              + "<th>connect ms</th><th>start s</th><th>target msg/s</th><th>achieved msg/s</th><th>sent</th></tr>\n");
      r.publishers().stream()
          .sorted((a, b) -> Integer.compare(a.position(), b.position()))
          .forEach(p -> h.append(publisherRow(p)));
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static String publisherRow(PublisherResult p) {
    return String.format(
        Locale.ROOT,
        "<tr><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%.0f</td><td>%.0f</td><td>%d</td></tr>%n",
        p.position(),
        esc(p.id()),
        esc(p.broker() == null ? "none: " + p.error() : p.broker()),
        p.hops(),
        p.connectMillis(),
        p.startSecond(),
        p.targetRate(),
        p.achievedRate(),
        p.sent());
  }

  static String table(List<List<String>> rows) {
    StringBuilder t = new StringBuilder("<table>\n");
    for (int r = 0; r < rows.size(); r++) {
      String cell = r == 0 ? "th" : "td";
      t.append("<tr>");
      for (String c : rows.get(r)) {
        t.append('<').append(cell).append('>').append(esc(c)).append("</").append(cell).append('>');
      }
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
