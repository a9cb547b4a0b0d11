package io.secretsbroker.local;

import io.secretsbroker.ConfigurationException;
import io.secretsbroker.local.LocalSecretsFormat.BadFile;
import io.secretsbroker.spi.ProviderUri;
import io.secretsbroker.spi.SecretProvider;
import io.secretsbroker.spi.SecretProviderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

/**
 * Opens the {@code local://} provider, the development default: secrets in a JSON file.
 *
 * <ul>
 *   <li>{@code local:///abs/path/dev-secrets.json}: an absolute path;
 *       {@code local://dev-secrets.json} or {@code local://config/dev.json}: relative to the
 *       working directory.
 *   <li>{@code ?create=true}: a missing file is created holding {@code {}} (and its directories).
 *       Without it a missing file is a {@link ConfigurationException} saying how to create one.
 *       No other query parameter is accepted.
 *   <li>It refuses to start when {@code secrets.env} is {@code prod} or {@code production}:
 *       production secrets do not live in a plain file.
 *   <li>The file is parsed at start-up, so a malformed file fails here, naming the line and
 *       column.
 * </ul>
 * Stateless and thread-safe.
 */
public final class LocalFileProviderFactory implements SecretProviderFactory {
  static final String CREATE = "create";

  @Override
  public String scheme() {
    return "local";
  }

  @Override
  public SecretProvider create(ProviderUri uri) {
    return create(uri, Clock.systemUTC());
  }

  SecretProvider create(ProviderUri uri, Clock clock) {
    if (uri.isProduction()) {
      throw new ConfigurationException("secrets.provider=" + uri + " reads secrets from a plain file on this machine"
          + " and refuses to start with secrets.env=" + uri.env().orElse("") + " (environment isolation: production"
          + " secrets never live in a local file). Use aws://, azure:// or vault:// for production.");
    }
    uri.requireOnly(Set.of(CREATE));
    boolean create = flag(uri);
    Path file = path(uri);
    try {
      if (Files.notExists(file)) {
        if (!create) {
          throw new ConfigurationException("Local secrets file " + file + " (from secrets.provider=" + uri
              + ") does not exist. Create it with a JSON object such as {\"db\": \"dev-password\"}, or add"
              + " ?create=true to secrets.provider to start with an empty one.");
        }
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        Files.write(file, "{}\n".getBytes(StandardCharsets.UTF_8));
      }
      if (Files.isDirectory(file)) {
        throw new ConfigurationException("secrets.provider=" + uri + " names a directory (" + file
            + "); point it at a JSON file.");
      }
      LocalFileProvider provider = new LocalFileProvider(file, clock);
      provider.load();
      return provider;
    } catch (BadFile bad) {
      throw new ConfigurationException(bad.getMessage());
    } catch (AccessDeniedException e) {
      throw new ConfigurationException("Permission denied to read local secrets file " + file
          + ". Grant the user running this process read access to it (e.g. chmod u+rw).", e);
    } catch (IOException e) {
      throw new ConfigurationException("Could not open local secrets file " + file + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ").", e);
    }
  }

  private static boolean flag(ProviderUri uri) {
    String v = uri.param(CREATE).orElse("false");
    if (v.equalsIgnoreCase("true") || v.isEmpty()) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new ConfigurationException("secrets.provider=" + uri + ": create must be true or false, not '" + v + "'.");
  }

  /** {@code local:///abs} is absolute; {@code local://rel/...} is relative to the working directory. */
  static Path path(ProviderUri uri) {
    String path = uri.path();
    String relativeHead = uri.host().orElse("");
    if (relativeHead.isEmpty() && path.matches("/[A-Za-z]:/.*")) {
      path = path.substring(1); // local:///C:/dev/secrets.json on Windows
    }
    String spec = relativeHead + path;
    if (spec.isEmpty() || spec.equals("/")) {
      throw new ConfigurationException("secrets.provider=" + uri + " names no file. Use local:///absolute/path.json"
          + " or local://relative/path.json.");
    }
    try {
      return Path.of(spec).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new ConfigurationException("secrets.provider=" + uri + " is not a valid file path: " + e.getReason(), e);
    }
  }
}
