package io.mqttdispatcher.loadgen.report;

import io.mqttdispatcher.loadgen.run.BrokerSecond;
import io.mqttdispatcher.loadgen.run.StrategyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
  static String cpu(StrategyResult r) {
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
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Mean throughput per broker").xAxisTitle("broker").yAxisTitle("msg/s").build();
    List<String> categories = new ArrayList<>();
    for (int b = 0; b < summaries.get(0).brokers().size(); b++) {
      categories.add("broker " + (b + 1));
    }
    for (Summary s : summaries) {
      chart.addSeries(s.strategy(), categories, s.meanRate());
    }
    return png(chart);
  }

  private static XYChart xy(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("s").yAxisTitle(yTitle).build();
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
