package io.secretsbroker.gcp.bench;

import io.secretsbroker.Secrets;
import java.lang.management.ManagementFactory;

/**
 * One cold start: a fresh JVM's first {@code Secrets.get("db")} through the default client, the
 * {@code gcp://} provider (found by ServiceLoader) and Application Default Credentials from the
 * metadata server ({@code GCE_METADATA_HOST}, as the auth library reads it), against
 * {@link ColdStartServer}. Prints {@code jvmStartToSecretMs mainToSecretMs}.
 */
public final class ColdStartMain {
  public static void main(String[] args) {
    long mainStart = System.nanoTime();
    String value = Secrets.get("db");
    long mainMs = (System.nanoTime() - mainStart) / 1_000_000;
    long jvmMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    if (!value.startsWith("postgresql://")) {
      throw new IllegalStateException("unexpected secret shape");
    }
    System.out.println(jvmMs + " " + mainMs);
    Secrets.client().close();
  }
}
