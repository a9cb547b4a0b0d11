package io.secretsbroker.guard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The pure detection half of the runtime guard: judges an environment and a system-property map
 * and returns findings, without modes, logging or exceptions (the client's start-up glue applies
 * those). The scanner reuses {@link #PLATFORM_IDENTITY} so a {@code System.getenv} of a platform
 * identity variable is not reported either.
 *
 * <p>A variable is reported when its value matches a credential format rule, when its name sounds
 * like a secret ({@code DB_PASSWORD}, {@code STRIPE_API_KEY}) and its value is not a placeholder,
 * reference, path or flag, or when it is an App Service connection-string setting
 * ({@code SQLCONNSTR_*}, {@code CUSTOMCONNSTR_*}, ...) holding a plain value: App Service and
 * Functions put the resolved value of {@code @Microsoft.KeyVault(...)} settings into the
 * environment, so the process sees the secret itself.
 *
 * <p>Immutable and thread-safe. Never throws for any map content (null values are skipped); a null
 * map argument throws {@link NullPointerException} naming it. Findings carry names and rules,
 * never values ({@link Finding#masked()} is {@code ****}).
 */
public final class EnvironmentScan {
  /** Variables a function platform injects for its own identity: never reported. */
  public static final Set<String> PLATFORM_IDENTITY = Set.of(
      // AWS Lambda, ECS, EKS (execution role credentials, container credential endpoints, IRSA)
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
      // Azure App Service / Functions managed identity and platform keys
      "IDENTITY_HEADER", "IDENTITY_ENDPOINT", "MSI_SECRET", "MSI_ENDPOINT", "CONTAINER_ENCRYPTION_KEY",
      "CONTAINER_START_CONTEXT_SAS_URI", "WEBSITE_AUTH_ENCRYPTION_KEY", "WEBSITE_AUTH_SIGNING_KEY",
      // CI runners' own job tokens (a developer's or CI's JVM; never a function)
      "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "CI_JOB_TOKEN");

  /** App Service's prefixes for connection-string settings (the value is the resolved connection string). */
  private static final List<String> APP_SERVICE_CONNSTR = List.of("SQLCONNSTR_", "SQLAZURECONNSTR_", "MYSQLCONNSTR_",
      "POSTGRESQLCONNSTR_", "CUSTOMCONNSTR_", "APIHUBCONNSTR_", "DOCDBCONNSTR_", "EVENTHUBCONNSTR_",
      "NOTIFICATIONHUBCONNSTR_", "REDISCACHECONNSTR_", "SERVICEBUSCONNSTR_");

  private final Set<String> allowed;

  private EnvironmentScan(Set<String> allowed) {
    this.allowed = allowed;
  }

  /**
   * The shared rules, reached at the first value that needs them, never when the scan is made (the
   * client makes its scan on the start-up thread and checks on a thread of its own).
   */
  private static Detector detector() {
    return Detector.defaults();
  }

  /**
   * {@link Detector#scanEnvironment}, building the rules only when the pair could yield a finding:
   * that needs a format rule's anchor in the value ({@link AnchorScreen}) or a secret-sounding name
   * ({@link Rule#ENV_SECRET}); anything else is reported by neither, so a clean environment is
   * judged without building the rules.
   */
  private static List<Detection> scanEnvironment(String name, String value) {
    if (!SecretNames.isSecretName(name) && !AnchorScreen.mayMatch(value)) {
      return List.of();
    }
    return detector().scanEnvironment(name, value);
  }

  /** {@link Detector#scanText} behind the same screen. */
  private static List<Detection> scanText(String text) {
    return AnchorScreen.mayMatch(text) ? detector().scanText(text) : List.of();
  }

  /**
   * A scan that accepts {@link #PLATFORM_IDENTITY} and the {@code extraAllowed} names
   * (case-insensitive).
   */
  public static EnvironmentScan allowing(Collection<String> extraAllowed) {
    Objects.requireNonNull(extraAllowed, "extraAllowed");
    Set<String> allowed = new LinkedHashSet<>();
    PLATFORM_IDENTITY.forEach(n -> allowed.add(n.toUpperCase(Locale.ROOT)));
    for (String n : extraAllowed) {
      if (n != null && !n.isBlank()) {
        allowed.add(n.strip().toUpperCase(Locale.ROOT));
      }
    }
    return new EnvironmentScan(Set.copyOf(allowed));
  }

  /**
   * Judges every entry. Locations are {@code env:NAME} and {@code sysprop:name}; values are masked.
   */
  public List<Finding> check(Map<String, String> environment, Map<String, String> systemProperties) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(systemProperties, "systemProperties");
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      inspect("env", e.getKey(), e.getValue(), out);
    }
    for (Map.Entry<String, String> e : systemProperties.entrySet()) {
      inspect("sysprop", e.getKey(), e.getValue(), out);
    }
    return List.copyOf(Finding.numbered(out));
  }

  private void inspect(String where, String name, String value, List<Finding> out) {
    if (name == null || value == null || allowed.contains(name.toUpperCase(Locale.ROOT))) {
      return;
    }
    String upper = name.toUpperCase(Locale.ROOT);
    if (where.equals("env") && JVM_OPTIONS.contains(upper)) {
      jvmOptions(name, value, out);
      return;
    }
    if (where.equals("env") && upper.startsWith("OTEL_EXPORTER_OTLP_") && upper.endsWith("HEADERS")) {
      otlpHeaders(name, value, out);
      return;
    }
    List<Detection> found = scanEnvironment(name, value);
    if (where.equals("env") && PlatformSettings.isPlatformSetting(name)) {
      if (!found.isEmpty()) {
        out.add(Finding.ofName(Rule.AZURE_PLATFORM_SETTING, where, 0, 0, name));
      }
      return;
    }
    if (found.isEmpty() && where.equals("env") && isAppServiceConnectionString(name, value)) {
      out.add(Finding.ofName(Rule.AZURE_RESOLVED_SETTING, where, 0, 0, name));
      return;
    }
    if (!found.isEmpty()) {
      out.add(Finding.of(found.get(0), where, 0, 0, name));
    }
  }

  /** Variables the JVM launcher reads options from: a {@code -Dpassword=...} there is a secret on the command line. */
  private static final Set<String> JVM_OPTIONS = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS",
      "JAVA_OPTS", "CATALINA_OPTS", "MAVEN_OPTS", "GRADLE_OPTS");

  /** Each {@code -Dname=value} of a JVM options variable is judged as a system property. */
  private void jvmOptions(String variable, String value, List<Finding> out) {
    for (String token : value.trim().split("\\s+")) {
      if (!token.startsWith("-D")) {
        List<Detection> inToken = scanText(token);
        if (!inToken.isEmpty()) {
          out.add(Finding.of(inToken.get(0), "env", 0, 0, variable));
          return;
        }
        continue;
      }
      int eq = token.indexOf('=');
      if (eq < 3) {
        continue;
      }
      String prop = token.substring(2, eq);
      String v = stripQuotes(token.substring(eq + 1));
      List<Detection> found = scanEnvironment(prop, v);
      if (!found.isEmpty()) {
        out.add(Finding.of(found.get(0), "env", 0, 0, variable + " -D" + prop));
      }
    }
  }

  /**
   * OTLP exporter headers ({@code key1=value1,key2=value2}, W3C baggage style) carry the backend's
   * API key ({@code api-key=...}, {@code x-honeycomb-team=...}, {@code Authorization=Bearer ...}):
   * a header whose name sounds like a secret or credential, or whose value is long and random, is one.
   */
  private void otlpHeaders(String variable, String value, List<Finding> out) {
    for (String pair : value.split(",")) {
      int eq = pair.indexOf('=');
      if (eq < 1) {
        continue;
      }
      String header = pair.substring(0, eq).strip();
      String v = java.net.URLDecoder.decode(pair.substring(eq + 1).strip(), java.nio.charset.StandardCharsets.UTF_8);
      String lower = header.toLowerCase(Locale.ROOT);
      String credential = lower.equals("authorization") ? v.replaceFirst("(?i)^(bearer|basic|apikey|api-key)\\s+", "") : v;
      List<Detection> found = scanEnvironment(lower.equals("authorization") ? "auth-token" : header, credential);
      if (found.isEmpty() && credential.length() >= 16 && SecretValues.isGenericSecretValue(credential)) {
        found = scanEnvironment("api-key", credential);
      }
      if (!found.isEmpty()) {
        out.add(Finding.of(found.get(0), "env", 0, 0, variable + " " + header));
      }
    }
  }

  private static String stripQuotes(String v) {
    if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static boolean isAppServiceConnectionString(String name, String value) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (String p : APP_SERVICE_CONNSTR) {
      if (upper.startsWith(p)) {
        return !value.isBlank() && !SecretValues.isPlaceholderOrReference(value);
      }
    }
    return false;
  }
}
