package io.secretsbroker.guard.policy;

import io.secretsbroker.ConfigurationException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code secretsbroker-guard policy --provider aws|azure|vault|ssm|gcp --allow db,stripe/* [--env prod]
 * [--name-template T] [--properties secrets.properties] [--region R --account A] [--batch]
 * [--vault V] [--subscription S] [--resource-group G] [--mount M] [--kms-key K]
 * [--project P]}: prints the least-privilege
 * policy for those names. Options given on the command line override the properties file.
 * Exit status 0 on success, 2 on a usage or configuration error (the message says what to pass).
 * Reachable as {@code secretsbroker-guard policy ...} through the guard CLI, or on its own through
 * {@link #main}. Stateless and thread-safe.
 */
public final class PolicyCommand {
  public static final String USAGE_TEXT = """
      usage: secretsbroker-guard policy --provider aws|azure|vault|ssm|gcp --allow NAMES [--env ENV] [--name-template T]
                                        [--properties FILE] [--region R] [--account A] [--batch]
                                        [--vault V] [--subscription S] [--resource-group G] [--mount M]
                                        [--kms-key K] [--project P]
        --allow           the function's secrets.allow: exact names and prefix/* patterns, comma-separated
        --env             secrets.env; names resolve through secrets.name-template (default {env}/{name})
        --properties      read secrets.allow, secrets.env, secrets.name-template, secrets.alias.* from FILE
        aws:    --region, --account (default *), --batch adds secretsmanager:BatchGetSecretValue
        azure:  --vault (required), --subscription, --resource-group (default shell variables)
        vault:  --mount (default secret)
        ssm:    --region, --account (default *), --kms-key adds kms:Decrypt on that key (via SSM only)
        gcp:    --project (default $PROJECT_ID), --region for regional secrets' location
      exit status: 0 policy printed, 2 usage or configuration error""";

  private PolicyCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command (arguments after {@code policy}); returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> opts = new LinkedHashMap<>();
    boolean batch = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE_TEXT);
        return 0;
      } else if (a.equals("--batch")) {
        batch = true;
      } else if (a.startsWith("--") && i + 1 < args.length) {
        opts.put(a.substring(2), args[++i]);
      } else {
        err.println(a.startsWith("--") ? "option " + a + " needs a value" : "unexpected argument '" + a + "'");
        err.println(USAGE_TEXT);
        return 2;
      }
    }
    try {
      Map<String, String> props = new LinkedHashMap<>();
      String file = opts.remove("properties");
      if (file != null) {
        props.putAll(load(Path.of(file)));
      }
      putIfGiven(props, "secrets.allow", opts.remove("allow"));
      putIfGiven(props, "secrets.env", opts.remove("env"));
      putIfGiven(props, "secrets.name-template", opts.remove("name-template"));
      String provider = opts.remove("provider");
      if (provider == null) {
        throw new ConfigurationException("--provider is required: aws, azure, vault, ssm or gcp.");
      }
      PolicyRequest request = new PolicyRequest(PolicyGenerator.Cloud.parse(provider), props, opts.remove("region"),
          opts.remove("account"), batch, opts.remove("vault"), opts.remove("subscription"),
          opts.remove("resource-group"), opts.remove("mount"), opts.remove("kms-key"),
          opts.remove("project"));
      if (!opts.isEmpty()) {
        err.println("unknown option '--" + opts.keySet().iterator().next() + "'");
        err.println(USAGE_TEXT);
        return 2;
      }
      out.print(PolicyGenerator.generate(request));
      out.flush();
      return 0;
    } catch (io.secretsbroker.SecretsException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("error: cannot read " + e.getMessage());
      return 2;
    }
  }

  private static void putIfGiven(Map<String, String> props, String key, String value) {
    if (value != null) {
      props.put(key, value);
    }
  }

  private static Map<String, String> load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }
}
