package io.mqttdispatcher.dispatcher.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlanForecastTest {

  @Test
  void a_donor_counts_its_evictions_before_its_report_shows_them() {
    PlanForecast f = new PlanForecast(0, 0);
    assertThat(f.donorLoad("b1", 300, 0, 1)).isEqualTo(300);

    // 60 evicted; the broker's count still says 300 ($SYS and the report lag).
    assertThat(f.donorLoad("b1", 300, 60, 1)).isEqualTo(240);
    // The report caught up, and 10 more left on their own: the report wins.
    assertThat(f.donorLoad("b1", 230, 60, 1)).isEqualTo(230);
  }

  @Test
  void the_recipients_count_what_every_donor_evicted_before_their_reports_show_it() {
    PlanForecast f = new PlanForecast(10, 4);

    // Two donors evicted 120 since (124 in all); two recipients still report a mean of 10.
    assertThat(f.recipientMean(10, 124, 2)).isEqualTo(70);
    // Their reports show more than that (devices that connected on their own): the reports win.
    assertThat(f.recipientMean(90, 124, 2)).isEqualTo(90);
  }

  @Test
  void a_bigger_donor_sheds_load_in_proportion_to_its_capacity() {
    PlanForecast f = new PlanForecast(0, 0);
    f.donorLoad("big", 150, 0, 2); // 300 connections on a capacity-2 broker

    assertThat(f.donorLoad("big", 150, 60, 2)).isEqualTo(120);
  }

  @Test
  void with_lagging_reports_a_scale_out_stops_near_even_instead_of_overshooting() {
    // Two donors at 300, one empty recipient, EMQX's thresholds 20 and 1.1; every report shows the
    // counts of 50 evictions ago (2 s at 25 per second).
    PlanForecast f = new PlanForecast(0, 0);
    f.donorLoad("b1", 300, 0, 1);
    f.donorLoad("b2", 300, 0, 1);
    int lag = 50;
    int evicted = 0; // per donor
    while (evicted < 300) {
      evicted++;
      int shown = Math.max(0, evicted - lag);
      double donor = f.donorLoad("b1", 300 - shown, evicted, 1);
      double recipients = f.recipientMean(2 * shown, 2L * evicted, 1);
      if (PlanChooser.withinThresholds(donor, recipients, 20, 1.1)) {
        break;
      }
    }
    // Stopping on the reported counts alone would have moved 50 more from each donor.
    assertThat(evicted).isBetween(90, 100);
    assertThat(300 - evicted).isBetween(200, 210);
  }
}
