package io.secretsbroker.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the test JVM (all loggers: ours, Hikari's, PgJDBC's, the embedded
 * server's), formatted with its whole exception chain, so tests can assert that no credential was
 * logged. Installed once on the root logger.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {
  private static LogCapture instance;
  private final List<String> lines = new ArrayList<>();

  static synchronized LogCapture install() {
    if (instance == null) {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      LogCapture c = new LogCapture();
      c.setContext(ctx);
      c.start();
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(c);
      instance = c;
    }
    return instance;
  }

  @Override
  protected synchronized void append(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
    for (Object arg : e.getArgumentArray() == null ? new Object[0] : e.getArgumentArray()) {
      sb.append(" | ").append(arg);
    }
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      sb.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy s : t.getStackTraceElementProxyArray()) {
        sb.append("\n  ").append(s);
      }
      for (IThrowableProxy sup : t.getSuppressed()) {
        sb.append("\n suppressed ").append(sup.getClassName()).append(": ").append(sup.getMessage());
      }
    }
    lines.add(sb.toString());
  }

  synchronized String text() {
    return String.join("\n", lines);
  }

  synchronized int size() {
    return lines.size();
  }

  /** None of {@code secrets} appears in any captured line nor in the server's log; there were lines to look at. */
  void assertNoneOf(Collection<String> secrets) {
    String all = text();
    String server = Pg.serverLog();
    assertThat(all).as("captured log lines").isNotEmpty();
    for (String s : secrets) {
      assertThat(all).as("application logs").doesNotContain(s);
      assertThat(server).as("PostgreSQL server log").doesNotContain(s);
    }
  }

  static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
