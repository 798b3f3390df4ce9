package io.mqttdispatcher.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows a call the build's forbidden-API check refuses elsewhere, such as {@code System.out} in a
 * command-line entry point that prints what its user asked for. Say why in {@link #reason}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
  /** Why the call is right here. */
  String reason();
}
