package io.secretsbroker.internal.guard;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.GuardViolationException;
import io.secretsbroker.guard.EnvironmentScan;
import io.secretsbroker.guard.Finding;
import io.secretsbroker.guard.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime guard: at client start-up (and on demand) it inspects the process environment and the
 * system properties for secrets that should live in the secret store instead.
 *
 * <p>A variable is reported when its value matches a credential format rule, when its name sounds
 * like a secret ({@code DB_PASSWORD}, {@code STRIPE_API_KEY}) and its value is not a placeholder,
 * reference, path or flag, or when it is an App Service connection-string setting
 * ({@code SQLCONNSTR_*}, {@code CUSTOMCONNSTR_*}, ...) holding a plain value: App Service and
 * Functions put the resolved value of {@code @Microsoft.KeyVault(...)} settings into the
 * environment, so the process sees the secret itself.
 *
 * <p>Modes ({@code secrets.guard}): {@code block} makes {@link #enforce()} throw a
 * {@link GuardViolationException} listing each variable and rule and how to move it; {@code warn}
 * logs the same at WARN; {@code off} does nothing. Without the setting the guard blocks on a function
 * platform (detected from the platform's own variables, {@link #PLATFORM_MARKERS}) and when
 * {@code secrets.env} is {@code prod} or {@code production}, and warns elsewhere: a developer's
 * shell does not stop the local demo, a deployed function fails closed.
 *
 * <p>Variables the platform injects for its own identity ({@link #PLATFORM_IDENTITY}) are allowed;
 * {@code secrets.guard.allow-env} (comma-separated names) extends the list.
 *
 * <p>Azure Functions platform settings that hold a key on a key-based plan ({@code AzureWebJobsStorage},
 * {@code WEBSITE_CONTENTAZUREFILECONNECTIONSTRING}, {@code WEBSITE_RUN_FROM_PACKAGE} with a SAS URL)
 * never block: they are logged at WARN with the identity-based alternative
 * ({@code AzureWebJobsStorage__accountName}), in every mode but {@code off}.
 *
 * <p>Immutable and thread-safe: the environment and properties are copied when the guard is made.
 * Messages and logs name variables and rules, never values, not even in part ({@code ****}).
 */
public final class RuntimeGuard {
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeGuard.class);

  /** The mode setting: {@code block}, {@code warn} or {@code off}. */
  public static final String MODE_KEY = "secrets.guard";
  /** Extra allowed variable or property names, comma-separated. */
  public static final String ALLOW_ENV_KEY = "secrets.guard.allow-env";
  /** The environment name; {@code prod}/{@code production} make {@code block} the default. */
  public static final String ENV_KEY = "secrets.env";
  /** Every configuration key the guard reads. */
  /** Says production explicitly ({@code true|false}); else {@code secrets.env} decides. */
  public static final String PRODUCTION_KEY = "secrets.production";
  public static final Set<String> KEYS = Set.of(MODE_KEY, ALLOW_ENV_KEY, ENV_KEY, PRODUCTION_KEY);

  /** Variables a function platform injects for its own identity: never reported. */
  public static final Set<String> PLATFORM_IDENTITY = EnvironmentScan.PLATFORM_IDENTITY;

  /** Variables whose presence means the process runs on a function or container platform. */
  public static final Set<String> PLATFORM_MARKERS = Set.of(
      "AWS_LAMBDA_FUNCTION_NAME", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_SITE_NAME",
      "K_SERVICE", "FUNCTION_TARGET", "ECS_CONTAINER_METADATA_URI_V4");

  /** What {@link #enforce()} does with findings. */
  public enum Mode { BLOCK, WARN, OFF }

  private final Mode mode;
  private final String modeReason;
  private final Map<String, String> env;
  private final Map<String, String> properties;
  private final EnvironmentScan scan;

  private RuntimeGuard(Mode mode, String modeReason, Map<String, String> env, Map<String, String> properties,
                       EnvironmentScan scan) {
    this.mode = mode;
    this.modeReason = modeReason;
    this.env = env;
    this.properties = properties;
    this.scan = scan;
  }

  /**
   * The guard for this process: reads {@code secrets.guard}, {@code secrets.guard.allow-env} and
   * {@code secrets.env} from {@code settings} and inspects {@link System#getenv()} and
   * {@link System#getProperties()}.
   *
   * @throws ConfigurationException when {@code secrets.guard} is not block, warn or off
   */
  public static RuntimeGuard fromSettings(Map<String, String> settings) {
    return of(settings, System.getenv(), propertiesAsMap(System.getProperties()));
  }

  /**
   * A guard over an explicit environment and property map (tests, or a host that filters them).
   *
   * @throws ConfigurationException when {@code secrets.guard} is not block, warn or off
   */
  public static RuntimeGuard of(Map<String, String> settings, Map<String, String> environment,
                                Map<String, String> systemProperties) {
    Objects.requireNonNull(settings, "settings");
    Map<String, String> envCopy = Collections.unmodifiableMap(new TreeMap<>(environment));
    Map<String, String> propCopy = Collections.unmodifiableMap(new TreeMap<>(systemProperties));
    List<String> extraAllowed = new ArrayList<>();
    String extra = settings.get(ALLOW_ENV_KEY);
    if (extra != null) {
      extraAllowed.addAll(List.of(extra.split(",")));
    }
    String configured = settings.get(MODE_KEY);
    Mode mode;
    String reason;
    if (configured != null && !configured.isBlank()) {
      mode = switch (configured.strip().toLowerCase(Locale.ROOT)) {
        case "block" -> Mode.BLOCK;
        case "warn" -> Mode.WARN;
        case "off" -> Mode.OFF;
        default -> throw new ConfigurationException("secrets.guard='" + configured.strip()
            + "' is not a guard mode. Set secrets.guard to block, warn or off.");
      };
      reason = "secrets.guard=" + mode.name().toLowerCase(Locale.ROOT);
    } else {
      String platform = PLATFORM_MARKERS.stream().filter(envCopy::containsKey).sorted().findFirst().orElse(null);
      String envName = settings.getOrDefault(ENV_KEY, "").strip().toLowerCase(Locale.ROOT);
      if (platform != null) {
        mode = Mode.BLOCK;
        reason = "default on a function platform (" + platform + " is set)";
      } else if (isProduction(settings.get(PRODUCTION_KEY), envName)) {
        mode = Mode.BLOCK;
        reason = envName.isEmpty() ? "default for secrets.production=true" : "default for secrets.env=" + envName;
      } else {
        mode = Mode.WARN;
        reason = "default outside function platforms and production";
      }
    }
    return new RuntimeGuard(mode, reason, envCopy, propCopy, EnvironmentScan.allowing(extraAllowed));
  }

  /**
   * The production rule (the same as {@code ProviderUri.isProduction}, kept here so the guard's
   * rules need nothing from the client): {@code secrets.production} when it is true or false, else
   * an environment named {@code prod*}, {@code prd*} or {@code live*}.
   */
  private static boolean isProduction(String explicit, String envName) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit.strip().equalsIgnoreCase("true");
    }
    return envName.startsWith("prod") || envName.startsWith("prd") || envName.startsWith("live");
  }

  private static Map<String, String> propertiesAsMap(Properties props) {
    Map<String, String> out = new TreeMap<>();
    for (String name : props.stringPropertyNames()) {
      out.put(name, props.getProperty(name));
    }
    return out;
  }

  /** The mode in force. */
  public Mode mode() {
    return mode;
  }

  /** Why that mode: {@code secrets.guard=warn}, or which default applied. */
  public String reason() {
    return modeReason;
  }

  /**
   * Inspects the environment and system properties and returns what it found, whatever the mode.
   * Locations are {@code env:NAME} and {@code sysprop:name}; values are masked.
   */
  public List<Finding> check() {
    return scan.check(env, properties);
  }

  /**
   * Applies the mode: {@code block} throws when {@link #check()} finds anything, {@code warn} logs
   * each finding at WARN, {@code off} returns at once without inspecting anything.
   *
   * @throws GuardViolationException in block mode, listing every variable with its rule and fix
   */
  public void enforce() {
    if (mode == Mode.OFF) {
      return;
    }
    enforce(check());
  }

  /**
   * Applies the mode to findings a caller already has from {@link #check()} (so a caller that
   * also audits them scans once): {@code block} throws when there are any, {@code warn} logs each,
   * {@code off} does nothing.
   *
   * @throws GuardViolationException in block mode, listing every variable with its rule and fix
   */
  public void enforce(List<Finding> findings) {
    if (mode == Mode.OFF || findings.isEmpty()) {
      return;
    }
    List<Finding> blocking = new ArrayList<>();
    for (Finding f : findings) {
      if (f.rule() == Rule.AZURE_PLATFORM_SETTING) {
        // a setting the platform requires on a key-based plan: never blocks, says how to drop the key
        LOG.warn("Secrets guard ({}): {} is an Azure Functions platform setting holding a key [{} ****]. {}",
            modeReason, f.location(), f.ruleId(), f.fix());
      } else {
        blocking.add(f);
      }
    }
    if (blocking.isEmpty()) {
      return;
    }
    if (mode == Mode.BLOCK) {
      throw new GuardViolationException(describe(blocking));
    }
    for (Finding f : blocking) {
      // fully masked, whatever the finding carries: a WARN line reaches every log reader
      LOG.warn("Secrets guard ({}): {} holds a secret [{} ****]. {}", modeReason, f.location(), f.ruleId(), f.fix());
    }
  }

  private String describe(List<Finding> findings) {
    StringBuilder sb = new StringBuilder();
    sb.append("Secrets guard refused to start (").append(modeReason).append("): ").append(findings.size())
        .append(findings.size() == 1 ? " secret" : " secrets")
        .append(" found in the process environment instead of the secret store.");
    for (Finding f : findings) {
      sb.append("\n  - ").append(f.location()).append(" [").append(f.ruleId()).append("]: ").append(f.fix());
    }
    sb.append("\nSet secrets.guard=warn to start anyway while you migrate, or list platform-managed names in ")
        .append(ALLOW_ENV_KEY).append('.');
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RuntimeGuard[mode=" + mode.name().toLowerCase(Locale.ROOT) + ", " + modeReason + "]";
  }
}
