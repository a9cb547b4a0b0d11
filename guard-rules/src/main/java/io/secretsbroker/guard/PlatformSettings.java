package io.secretsbroker.guard;

import java.util.Locale;
import java.util.Map;

/**
 * Azure Functions settings the platform itself requires on a key-based plan
 * ({@code AzureWebJobsStorage}, {@code WEBSITE_CONTENTAZUREFILECONNECTIONSTRING},
 * {@code WEBSITE_RUN_FROM_PACKAGE} as a SAS URL). A default Consumption plan has them with no
 * mistake by anyone, so the runtime guard warns with the identity-based alternative instead of
 * refusing to start. Stateless and thread-safe.
 */
final class PlatformSettings {
  private static final Map<String, String> ALTERNATIVES = Map.of(
      "AZUREWEBJOBSSTORAGE",
      "Replace it by AzureWebJobsStorage__accountName=<account> (identity-based connection; grant the app's managed"
          + " identity Storage Blob Data Owner, Storage Queue Data Contributor and Storage Account Contributor).",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "The content share of Consumption and Elastic Premium plans needs this key-based setting; on the Flex"
          + " Consumption plan it is not used (deployment storage with the managed identity).",
      "WEBSITE_RUN_FROM_PACKAGE",
      "Set WEBSITE_RUN_FROM_PACKAGE=1 (deploy the package with the app) or a blob URL without SAS read with the managed"
          + " identity (WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).");

  private PlatformSettings() {}

  /** Whether {@code name} is one of the platform's key-based settings (case-insensitive). */
  static boolean isPlatformSetting(String name) {
    return ALTERNATIVES.containsKey(name.toUpperCase(Locale.ROOT));
  }

  /** The identity-based alternative for a platform setting, or an empty string. */
  static String alternative(String name) {
    return ALTERNATIVES.getOrDefault(name.toUpperCase(Locale.ROOT), "");
  }
}
