package io.secretsbroker.logging;

import io.secretsbroker.Redactor;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * Log4j2 rewrite policy that masks every secret value currently cached in this process
 * ({@link Redactor#global()}) in the formatted message. Wrap the real appenders in a
 * {@code Rewrite} appender:
 *
 * <pre>{@code
 * <Rewrite name="Redacted">
 *   <AppenderRef ref="Console"/>
 *   <SecretsRedactor/>
 * </Rewrite>
 * }</pre>
 *
 * <p>Requires {@code log4j-core} (an optional dependency of the API). Events with nothing to mask
 * pass through unchanged (no copy). Thread-safe.
 */
@Plugin(name = "SecretsRedactor", category = Core.CATEGORY_NAME, elementType = "rewritePolicy", printObject = true)
public final class RedactingRewritePolicy implements RewritePolicy {

  private RedactingRewritePolicy() {}

  @PluginFactory
  public static RedactingRewritePolicy createPolicy() {
    return new RedactingRewritePolicy();
  }

  @Override
  public LogEvent rewrite(LogEvent source) {
    if (source.getMessage() == null) {
      return source;
    }
    String message = source.getMessage().getFormattedMessage();
    String redacted = Redactor.global().redact(message);
    if (redacted == message) {
      return source;
    }
    return new Log4jLogEvent.Builder(source).setMessage(new SimpleMessage(redacted)).build();
  }

  @Override
  public String toString() {
    return "SecretsRedactor";
  }
}
