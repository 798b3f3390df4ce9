package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.fleet.ConnectionTimeline;
import io.mqttdispatcher.loadgen.run.BrokerSecond;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import io.mqttdispatcher.loadgen.storm.StormResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts (XChart), as PNG data URIs so the page needs no other file. */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 340;

  private Charts() {}

  /** Messages per second each broker delivered, over time. */
  static String throughput(StrategyResult r) {
    XYChart chart = xy(r.strategy() + ": throughput per broker", "msg/s");
    for (int b = 0; b < r.brokers().size(); b++) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (BrokerSecond s : r.timeline()) {
        if (s.broker() == b) {
          x.add((double) s.second());
          y.add((double) s.messages());
        }
      }
      addSeries(chart, "broker " + (b + 1) + " " + r.brokers().get(b), x, y);
    }
    return png(chart);
  }

  /** Broker CPU over time, or null when no CPU was measured. */
  static @Nullable String cpu(StrategyResult r) {
    XYChart chart = xy(r.strategy() + ": CPU per broker", "% of machine");
    boolean any = false;
    for (int b = 0; b < r.brokers().size(); b++) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (BrokerSecond s : r.timeline()) {
        if (s.broker() == b && s.cpu() != null) {
          x.add((double) s.second());
          y.add(s.cpu() * 100);
        }
      }
      any |= addSeries(chart, "broker " + (b + 1) + " " + r.brokers().get(b), x, y);
    }
    return any ? png(chart) : null;
  }

  /** Mean throughput per broker, strategies side by side (the paper's figure 6). */
  static String meanThroughput(List<Summary> summaries) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Mean throughput per broker")
            .xAxisTitle("broker")
            .yAxisTitle("msg/s")
            .build();
    List<String> categories = new ArrayList<>();
    for (int b = 0; b < summaries.get(0).brokers().size(); b++) {
      categories.add("broker " + (b + 1));
    }
    for (Summary s : summaries) {
      chart.addSeries(s.strategy(), categories, s.meanRate());
    }
    return png(chart);
  }

  /**
   * Devices connected to each broker over time, as the devices see it, with the devices on no
   * broker, and a vertical line at each event.
   */
  static String devicesPerBroker(StormResult r) {
    return devicesPerBroker(
        r.strategy() + ": devices connected per broker",
        r.brokers(),
        r.timeline(),
        r.marks(),
        r.devices());
  }

  /**
   * Devices connected to each broker over time, as the devices see it, with the devices on no
   * broker, and a vertical line at each mark.
   *
   * @param brokers the brokers' names, in the order of the samples' lists
   * @param devices the fleet's size, the top of the scale
   */
  static String devicesPerBroker(
      String title,
      List<String> brokers,
      List<ConnectionTimeline.Sample> timeline,
      List<ConnectionTimeline.Mark> marks,
      int devices) {
    XYChart chart = xy(title, "devices connected");
    chart.setXAxisTitle("time since the fleet started (s)");
    List<Double> x = timeline.stream().map(s -> s.millis() / 1000.0).toList();
    for (int b = 0; b < brokers.size(); b++) {
      int i = b;
      line(
          chart,
          "broker-" + (b + 1) + " " + brokers.get(b),
          x,
          timeline.stream().map(s -> (double) s.devices().get(i)).toList());
    }
    line(chart, "on no broker", x, timeline.stream().map(s -> (double) s.disconnected()).toList());
    marks(chart, marks, devices);
    return png(chart);
  }

  /**
   * Each broker's own connection count ($SYS, as its probe reports it) over time, or null when none
   * reported one.
   */
  static @Nullable String reportedConnections(StormResult r) {
    return reportedConnections(
        r.strategy() + ": connections each broker reports ($SYS, via its probe)",
        r.brokers(),
        r.timeline(),
        r.marks(),
        r.devices());
  }

  /**
   * Each broker's own connection count ($SYS, as its probe reports it) over time, with a vertical
   * line at each mark, or null when none reported one.
   */
  static @Nullable String reportedConnections(
      String title,
      List<String> brokers,
      List<ConnectionTimeline.Sample> timeline,
      List<ConnectionTimeline.Mark> marks,
      int devices) {
    XYChart chart = xy(title, "connections");
    chart.setXAxisTitle("time since the fleet started (s)");
    boolean any = false;
    for (int b = 0; b < brokers.size(); b++) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (ConnectionTimeline.Sample s : timeline) {
        Long reported = s.reported().get(b);
        if (reported != null) {
          x.add(s.millis() / 1000.0);
          y.add((double) reported);
        }
      }
      any |= addSeries(chart, "broker-" + (b + 1) + " " + brokers.get(b), x, y);
    }
    if (!any) {
      return null;
    }
    marks(chart, marks, devices);
    return png(chart);
  }

  private static void line(XYChart chart, String name, List<Double> x, List<Double> y) {
    if (!x.isEmpty()) {
      chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }
  }

  /**
   * A vertical line and a label at each mark; labels sit near the top, staggered so neighbours do
   * not overlap.
   */
  private static void marks(XYChart chart, List<ConnectionTimeline.Mark> marks, int top) {
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(top * 1.15);
    for (int m = 0; m < marks.size(); m++) {
      ConnectionTimeline.Mark mark = marks.get(m);
      double x = mark.millis() / 1000.0;
      chart.addAnnotation(new AnnotationLine(x, true, false));
      chart.addAnnotation(
          new AnnotationText(mark.label(), x, top * (m % 2 == 0 ? 1.10 : 1.04), false));
    }
  }

  private static XYChart xy(String title, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("s")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setMarkerSize(3);
    return chart;
  }

  private static boolean addSeries(XYChart chart, String name, List<Double> x, List<Double> y) {
    if (x.isEmpty()) {
      return false;
    }
    chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    return true;
  }

  private static String png(Chart<?, ?> chart) {
    try {
      byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart: " + e.getMessage(), e);
    }
  }
}
