package io.secretsbroker.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.secretsbroker.Redactor;

/**
 * Logback converter for stack traces with every cached secret value masked (a driver's exception
 * message sometimes echoes a connection string). Replace {@code %ex} with it:
 *
 * <pre>{@code
 * <conversionRule conversionWord="ex" class="io.secretsbroker.logging.RedactingThrowableConverter"/>
 * }</pre>
 *
 * <p>Thread-safe.
 */
public class RedactingThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return Redactor.global().redact(super.throwableProxyToString(tp));
  }
}
