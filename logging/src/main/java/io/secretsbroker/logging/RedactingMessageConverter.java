package io.secretsbroker.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.secretsbroker.Redactor;

/**
 * Logback converter that prints the formatted message with every secret value currently cached
 * in this process masked ({@link Redactor#global()}). Replace {@code %msg} with it:
 *
 * <pre>{@code
 * <conversionRule conversionWord="msg" class="io.secretsbroker.logging.RedactingMessageConverter"/>
 * }</pre>
 *
 * <p>Requires {@code logback-classic} (an optional dependency of the API). Thread-safe; never
 * throws for a null message.
 */
public class RedactingMessageConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return Redactor.global().redact(event.getFormattedMessage());
  }
}
