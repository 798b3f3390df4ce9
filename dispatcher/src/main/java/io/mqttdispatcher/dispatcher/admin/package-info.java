/**
 * The admin HTTP API (Vert.x): health, readiness, broker list, drain, Prometheus metrics, status
 * page and the history it draws.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.admin;

import org.jspecify.annotations.NullMarked;
