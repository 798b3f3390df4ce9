/**
 * What a run leaves behind: {@code results.json}, {@code timeline.csv}, a self-contained {@code
 * report.html} with charts, and the summary table comparing strategies.
 */
@NullMarked
package io.mqttdispatcher.loadgen.report;

import org.jspecify.annotations.NullMarked;
