package io.mqttdispatcher.loadgen.haproxy;

import java.util.ArrayList;
import java.util.List;

/**
 * One broker as HAProxy's {@code show stat} describes it.
 *
 * @param name the server name, {@code broker-N}
 * @param sessions sessions (devices) on it now ({@code scur})
 * @param totalSessions sessions sent to it since HAProxy started ({@code stot}): arrivals
 * @param deadConnects connects HAProxy made to it that failed, was retried, or was sent elsewhere
 *     ({@code econ + wretr + wredis}): on loopback, connects to a broker that was down and not yet
 *     taken out by the health checks
 * @param status {@code UP}, {@code DOWN}, ...
 */
public record ServerStats(
    String name, long sessions, long totalSessions, long deadConnects, String status) {

  /**
   * The servers of proxy {@code proxy} in the CSV of {@code show stat}, in file order; the frontend
   * and backend summary rows are left out.
   *
   * @throws IllegalArgumentException when the header lacks a column this needs
   */
  public static List<ServerStats> parse(String csv, String proxy) {
    String[] lines = csv.split("\n");
    if (lines.length == 0 || !lines[0].startsWith("# ")) {
      throw new IllegalArgumentException("not the CSV of 'show stat': " + first(csv));
    }
    List<String> header = List.of(lines[0].substring(2).split(",", -1));
    int pxname = column(header, "pxname");
    int svname = column(header, "svname");
    int scur = column(header, "scur");
    int stot = column(header, "stot");
    int econ = column(header, "econ");
    int wretr = column(header, "wretr");
    int wredis = column(header, "wredis");
    int status = column(header, "status");
    List<ServerStats> servers = new ArrayList<>();
    for (int l = 1; l < lines.length; l++) {
      String[] f = lines[l].split(",", -1);
      if (f.length < header.size() || !f[pxname].equals(proxy)) {
        continue;
      }
      String name = f[svname];
      if (name.equals("FRONTEND") || name.equals("BACKEND")) {
        continue;
      }
      servers.add(
          new ServerStats(
              name,
              number(f[scur]),
              number(f[stot]),
              number(f[econ]) + number(f[wretr]) + number(f[wredis]),
              f[status]));
    }
    return servers;
  }

  private static int column(List<String> header, String name) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("'show stat' has no column " + name);
    }
    return i;
  }

  private static long number(String field) {
    return field.isEmpty() ? 0 : Long.parseLong(field);
  }

  private static String first(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
