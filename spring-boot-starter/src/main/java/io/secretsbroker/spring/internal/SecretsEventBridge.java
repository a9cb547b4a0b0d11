package io.secretsbroker.spring.internal;

import io.secretsbroker.spi.AuditEvent;
import io.secretsbroker.spring.SecretRotatedEvent;
import io.secretsbroker.spring.SecretsAuditApplicationEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns the client's audit trail into application events once every singleton exists: each event
 * becomes a {@link SecretsAuditApplicationEvent}; a new version ({@code ROTATION_SEEN}, or a
 * successful {@code ROTATION_WRITTEN}) first rebinds the {@code @ConfigurationProperties} beans
 * that use the secret, then publishes {@link SecretRotatedEvent}. Runs on the thread that did the
 * work; a listener that throws is logged (type only) and never fails a read. Thread-safe.
 */
public final class SecretsEventBridge implements SmartInitializingSingleton, DisposableBean {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsEventBridge.class);

  private final SecretsRuntime runtime;
  private final ApplicationEventPublisher publisher;
  private final ConfigurationPropertiesRebinder rebinder;

  public SecretsEventBridge(SecretsRuntime runtime, ApplicationEventPublisher publisher,
                            ConfigurationPropertiesRebinder rebinder) {
    this.runtime = runtime;
    this.publisher = publisher;
    this.rebinder = rebinder;
  }

  @Override
  public void afterSingletonsInstantiated() {
    runtime.listener(this::onAudit);
  }

  void onAudit(AuditEvent event) {
    try {
      boolean rotated = event.type() == AuditEvent.Type.ROTATION_SEEN
          || (event.type() == AuditEvent.Type.ROTATION_WRITTEN && event.outcome() == AuditEvent.Outcome.OK);
      if (rotated && event.name() != null) {
        rebinder.rebind(event.name());
        publisher.publishEvent(new SecretRotatedEvent(this, event.name(), event.versionId()));
      }
      publisher.publishEvent(new SecretsAuditApplicationEvent(this, event));
    } catch (RuntimeException e) {
      LOG.warn("An application listener for secrets event {} of '{}' threw {}", event.type(), event.name(),
          e.getClass().getName());
    }
  }

  @Override
  public void destroy() {
    runtime.listener(null);
  }
}
