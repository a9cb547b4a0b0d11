package io.secretsbroker.spring.it;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.secretsbroker.spring.SecretRotatedEvent;
import io.secretsbroker.spring.SecretsAuditApplicationEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The application the tests start: one properties bean bound to secrets, one @Value bean, listeners. */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@EnableConfigurationProperties(TestApp.DbProperties.class)
public class TestApp {

  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  @Bean
  Events events() {
    return new Events();
  }

  @Bean
  ValueHolder valueHolder() {
    return new ValueHolder();
  }

  /** Bound to app.db.*, whose properties are ${secrets.db.*} placeholders. */
  @ConfigurationProperties(prefix = "app.db")
  public static class DbProperties {
    private String username;
    private String password;
    private String token;
    private String missing;

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getToken() { return token; }
    public void setToken(String token) { this.token = token; }
    public String getMissing() { return missing; }
    public void setMissing(String missing) { this.missing = missing; }
  }

  /** An @Value field: fixed at start-up (documented). */
  public static class ValueHolder {
    @Value("${secrets.db.password:none}")
    String password;

    public String password() { return password; }
  }

  /** Records the starter's application events. */
  public static class Events {
    final List<SecretRotatedEvent> rotated = new CopyOnWriteArrayList<>();
    final List<SecretsAuditApplicationEvent> audit = new CopyOnWriteArrayList<>();
    volatile java.util.concurrent.CountDownLatch rotation = new java.util.concurrent.CountDownLatch(1);
    volatile String passwordSeenByListener;
    DbProperties props;

    @EventListener
    public void on(SecretRotatedEvent e) {
      rotated.add(e);
      if (props != null) {
        passwordSeenByListener = props.getPassword();
      }
      rotation.countDown();
    }

    @EventListener
    public void on(SecretsAuditApplicationEvent e) {
      audit.add(e);
    }
  }
}
