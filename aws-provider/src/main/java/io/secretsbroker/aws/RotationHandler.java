package io.secretsbroker.aws;

import io.secretsbroker.Rotation;
import io.secretsbroker.RotationFailedException;
import io.secretsbroker.RotationTarget;
import io.secretsbroker.SecretValue;
import io.secretsbroker.SecretsException;
import io.secretsbroker.spi.SecretRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a Secrets Manager rotation Lambda: AWS calls the function four times per rotation,
 * with {@code SecretId}, {@code ClientRequestToken} and {@code Step}, and this class does each step
 * the way AWS's rotation templates do.
 *
 * <ol>
 *   <li>{@code createSecret}: unless a version with id {@code ClientRequestToken} already carries
 *       {@code AWSPENDING}, generate a new value from the current one and store it as that
 *       version, labelled {@code AWSPENDING} ({@code PutSecretValue}, token as idempotency key).
 *   <li>{@code setSecret}: give the pending credential to the target system (user callback).
 *   <li>{@code testSecret}: check the pending credential works there (user callback).
 *   <li>{@code finishSecret}: move {@code AWSCURRENT} to the pending version
 *       ({@code UpdateSecretVersionStage} with {@code RemoveFromVersionId} = the version that was
 *       current when the step read it: a compare-and-set, a lost race is a
 *       {@link io.secretsbroker.RotationConflictException}); the old one becomes {@code AWSPREVIOUS}.
 * </ol>
 *
 * <p>With {@link Builder#target(RotationTarget)} the handler runs the same steps as the portable
 * {@code SecretsClient.rotate} with the same target: {@code setSecret} is
 * {@code target.apply(pending, current)}, {@code testSecret} is {@code target.verify(pending)}, and a
 * failed verify puts the current value back on the target ({@code target.apply(current, pending)})
 * before the step fails, so the target never keeps a rejected credential while AWS retries.
 *
 * <p><b>Idempotent</b>, as AWS requires (it retries a failed step, and may deliver one twice): every
 * step first reads {@code AWSCURRENT}, and does nothing when the token is already current;
 * {@code createSecret} writes nothing when the pending version exists; {@code finishSecret} moves
 * nothing twice. The {@code setSecret} and {@code testSecret} callbacks may run more than once for
 * one token, so they must be idempotent too (setting the same password twice is).
 *
 * <p><b>Permissions</b> of the rotation function's role: {@code secretsmanager:GetSecretValue},
 * {@code PutSecretValue} and {@code UpdateSecretVersionStage} on the secret (plus
 * {@code kms:Decrypt}/{@code kms:GenerateDataKey} for a customer-managed key).
 *
 * <p><b>Failures</b>: a callback that throws fails the step with {@link RotationFailedException}
 * (AWS then retries the step or marks the rotation failed; {@code AWSCURRENT} is untouched until
 * {@code finishSecret}); store errors are the provider's mapped {@link SecretsException}s.
 *
 * <p><b>Threads</b>: immutable once built and safe for concurrent use; Lambda calls it one event
 * at a time anyway.
 *
 * <pre>{@code
 * public class Rotate implements RequestHandler<Map<String, String>, Void> {
 *   static final RotationHandler ROTATION = RotationHandler.builder(AwsSecretProvider.fromUri("aws://"))
 *       .setSecret(ctx -> db.alterPassword(ctx.pendingText()))
 *       .testSecret(ctx -> db.tryLogin(ctx.pendingText()))
 *       .build();
 *   public Void handleRequest(Map<String, String> event, Context context) {
 *     ROTATION.handle(event);
 *     return null;
 *   }
 * }
 * }</pre>
 */
public final class RotationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RotationHandler.class);

  /** The four steps, by the names AWS sends in {@code Step}. */
  public enum Step {
    CREATE_SECRET("createSecret"),
    SET_SECRET("setSecret"),
    TEST_SECRET("testSecret"),
    FINISH_SECRET("finishSecret");

    private final String wireName;

    Step(String wireName) {
      this.wireName = wireName;
    }

    /** The name AWS sends, e.g. {@code createSecret}. */
    public String wireName() {
      return wireName;
    }

    /** Parses AWS's step name. */
    public static Step of(String wireName) {
      for (Step s : values()) {
        if (s.wireName.equals(wireName)) {
          return s;
        }
      }
      throw new SecretsException("Unknown rotation step '" + wireName
          + "'; AWS sends createSecret, setSecret, testSecret or finishSecret.");
    }
  }

  /** One invocation: {@code SecretId}, {@code ClientRequestToken}, {@code Step}. */
  public record Event(String secretId, String clientRequestToken, Step step) {
    public Event {
      Objects.requireNonNull(secretId, "secretId");
      Objects.requireNonNull(clientRequestToken, "clientRequestToken");
      Objects.requireNonNull(step, "step");
    }

    /** Reads the event map Lambda deserialises the rotation request into. */
    public static Event of(Map<String, ?> event) {
      return new Event(required(event, "SecretId"), required(event, "ClientRequestToken"),
          Step.of(required(event, "Step")));
    }

    private static String required(Map<String, ?> event, String key) {
      Object v = event.get(key);
      if (v == null || v.toString().isBlank()) {
        throw new SecretsException("The rotation event has no '" + key + "'. A Secrets Manager rotation event"
            + " carries SecretId, ClientRequestToken and Step; is this function wired as the rotation function?");
      }
      return v.toString();
    }
  }

  /**
   * What the callbacks see: the secret, the rotation token, and the current and pending versions.
   * {@code toString} shows no value.
   */
  public record Context(String secretId, String clientRequestToken, SecretRecord current, SecretRecord pending) {
    /** The pending value as UTF-8 text. */
    public String pendingText() {
      return new String(pending.value(), StandardCharsets.UTF_8);
    }

    /** The current value as UTF-8 text. */
    public String currentText() {
      return new String(current.value(), StandardCharsets.UTF_8);
    }
  }

  /** Makes the next value from the current one. */
  @FunctionalInterface
  public interface Generator {
    byte[] next(SecretRecord current) throws Exception;
  }

  /** A user callback run against the target system (database, API) in setSecret or testSecret. */
  @FunctionalInterface
  public interface Callback {
    void run(Context context) throws Exception;
  }

  private final AwsSecretProvider provider;
  private final Generator generator;
  private final Callback setSecret;
  private final Callback testSecret;

  private RotationHandler(Builder b) {
    this.provider = b.provider;
    this.generator = b.generator;
    this.setSecret = b.setSecret;
    this.testSecret = b.testSecret;
  }

  /** A builder over {@code provider}, which the handler uses but does not close. */
  public static Builder builder(AwsSecretProvider provider) {
    return new Builder(provider);
  }

  /** Handles the raw event map (keys {@code SecretId}, {@code ClientRequestToken}, {@code Step}). */
  public void handle(Map<String, ?> event) {
    handle(Event.of(event));
  }

  /** Runs one step; see the class comment for what each does and why it is safe to repeat. */
  public void handle(Event event) {
    String secretId = event.secretId();
    String token = event.clientRequestToken();
    SecretRecord current = provider.get(secretId, null, AwsSecretProvider.AWSCURRENT);
    if (token.equals(current.versionId())) {
      LOG.info("Rotation {} of secret '{}': version {} is already AWSCURRENT; nothing to do.",
          event.step().wireName(), secretId, token);
      return;
    }
    switch (event.step()) {
      case CREATE_SECRET -> createSecret(secretId, token, current);
      case SET_SECRET -> callback(event, setSecret, current);
      case TEST_SECRET -> callback(event, testSecret, current);
      case FINISH_SECRET -> {
        provider.moveCurrent(secretId, token, current.versionId()); // compare-and-set on current
        LOG.info("Rotation finishSecret of secret '{}': version {} is now AWSCURRENT, {} AWSPREVIOUS.",
            secretId, token, current.versionId());
      }
    }
  }

  private void createSecret(String secretId, String token, SecretRecord current) {
    if (provider.findVersion(secretId, token, AwsSecretProvider.AWSPENDING).isPresent()) {
      LOG.info("Rotation createSecret of secret '{}': version {} already exists as AWSPENDING.", secretId, token);
      return;
    }
    byte[] next;
    try {
      next = generator.next(current);
    } catch (Exception e) {
      throw new RotationFailedException("Rotation createSecret of secret '" + secretId + "' failed: the generator"
          + " threw " + e.getClass().getName() + ". Nothing was written; AWS will retry the step.", e);
    }
    if (next == null || next.length == 0) {
      throw new RotationFailedException("Rotation createSecret of secret '" + secretId + "': the generator"
          + " returned no value. Nothing was written.");
    }
    provider.putPending(secretId, next, token);
    LOG.info("Rotation createSecret of secret '{}': stored version {} as AWSPENDING.", secretId, token);
  }

  private void callback(Event event, Callback callback, SecretRecord current) {
    String step = event.step().wireName();
    SecretRecord pending = provider.get(event.secretId(), event.clientRequestToken(), AwsSecretProvider.AWSPENDING);
    try {
      callback.run(new Context(event.secretId(), event.clientRequestToken(), current, pending));
    } catch (Exception e) {
      throw new RotationFailedException("Rotation " + step + " of secret '" + event.secretId() + "' (version "
          + event.clientRequestToken() + ") failed in the " + step + " callback: " + e.getClass().getName()
          + ". AWSCURRENT is unchanged; AWS retries the step, or marks the rotation failed.", e);
    }
    LOG.info("Rotation {} of secret '{}': callback done for version {}.", step, event.secretId(),
        event.clientRequestToken());
  }

  /** Validating builder; not thread-safe. */
  public static final class Builder {
    private final AwsSecretProvider provider;
    private Generator generator = current ->
        Rotation.defaults().generate(null).getBytes(StandardCharsets.UTF_8);
    private Callback setSecret;
    private Callback testSecret;

    private Builder(AwsSecretProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** Replaces the default generator (32 random letters and digits). */
    public Builder generator(Generator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /**
     * Sets both callbacks from a {@link RotationTarget}, as the portable rotation uses it:
     * {@code setSecret} applies the pending value, {@code testSecret} verifies it and, when that
     * fails, applies the current value again before failing the step.
     */
    public Builder target(RotationTarget target) {
      Objects.requireNonNull(target, "target");
      this.setSecret = ctx -> target.apply(value(ctx.secretId(), ctx.pending()), value(ctx.secretId(), ctx.current()));
      this.testSecret = ctx -> {
        try {
          target.verify(value(ctx.secretId(), ctx.pending()));
        } catch (Exception rejected) {
          try {
            target.apply(value(ctx.secretId(), ctx.current()), value(ctx.secretId(), ctx.pending()));
          } catch (Exception back) {
            rejected.addSuppressed(back);
          }
          throw rejected;
        }
      };
      return this;
    }

    private static SecretValue value(String name, SecretRecord r) {
      return SecretValue.of(name, r.versionId(), r.value());
    }

    /** Required: sets the pending credential on the target system. */
    public Builder setSecret(Callback setSecret) {
      this.setSecret = Objects.requireNonNull(setSecret, "setSecret");
      return this;
    }

    /** Required: checks the pending credential on the target system; throw to fail. */
    public Builder testSecret(Callback testSecret) {
      this.testSecret = Objects.requireNonNull(testSecret, "testSecret");
      return this;
    }

    /**
     * @throws io.secretsbroker.ConfigurationException when a required callback is missing
     */
    public RotationHandler build() {
      if (setSecret == null || testSecret == null) {
        throw new io.secretsbroker.ConfigurationException("RotationHandler needs both setSecret and testSecret"
            + " callbacks (" + (setSecret == null ? "setSecret" : "testSecret") + " is missing). Pass"
            + " ctx -> {} explicitly for a secret with no target system to update.");
      }
      return new RotationHandler(this);
    }
  }

  @Override
  public String toString() {
    return "RotationHandler[" + provider.id() + "]";
  }
}
