package io.secretsbroker.guard.scan;

import io.secretsbroker.guard.Detector;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The credential sinks {@link JavaAnalyzer} knows by method: calls whose argument is a credential
 * whatever the parameter's name ({@link #sink}), setters and builder methods of a secret-sounding
 * name ({@link #isCredentialSetter}), key-value methods ({@link #KEYED_PAIR_METHODS}) and the
 * JDK's own JSSE settings. Stateless; thread-safe.
 */
final class JavaSinks {
  private JavaSinks() {}

  static final Set<String> KEYED_PAIR_METHODS = Set.of("put", "putIfAbsent", "setProperty", "of", "entry",
      "header", "addHeader", "setHeader", "set", "with", "property", "param", "option", "addProperty",
      "setAttribute", "withProperty", "queryParam", "formParam");
  private static final Set<String> VERBS = Set.of("get", "is", "has", "find", "load", "read", "fetch", "validate",
      "check", "verify", "reset", "update", "rotate", "create", "delete", "remove", "encode", "decode", "hash", "mask",
      "generate", "new", "parse", "require", "resolve", "refresh", "revoke", "issue", "store", "save", "to", "as",
      "on", "handle", "log", "print", "assert", "expect", "contains", "matches", "compare", "describe", "format");

  /**
   * The JDK's own JSSE settings: the platform defines and reads them (the JDK's TrustStoreManager),
   * so reading one is not an application keeping a secret in a system property.
   */
  static final Set<String> JSSE_PROPERTIES = Set.of("javax.net.ssl.keyStorePassword",
      "javax.net.ssl.trustStorePassword");

  /** Key-store and key-manager methods taking a password as {@code char[]}. */
  private static final Set<String> CHAR_PASSWORD_METHODS = Set.of("load", "store", "getKey", "init", "setKeyEntry",
      "getEntry", "getInstance", "addIdentity");
  /** HMAC key factories taking the key as their first argument. */
  private static final Set<String> HMAC_KEY_METHODS = Set.of("HMAC256", "HMAC384", "HMAC512", "hmacShaKeyFor",
      "hmacSha1", "hmacSha256", "hmacSha384", "hmacSha512");

  /** Calls whose argument at {@code index} is a credential, whatever the parameter's name. */
  static boolean sink(String method, String scope, int index, int args, boolean chars) {
    if (method.equals("getConnection") && args == 3 && index == 2) {
      return true; // DriverManager.getConnection(url, user, password), DataSource.getConnection(user, password)
    }
    if (method.equals("getConnection") && args == 2 && index == 1 && !"DriverManager".equals(scope)) {
      return true;
    }
    if (method.equals("login") && args == 2 && index == 1) {
      return true; // HttpServletRequest.login(user, password)
    }
    if (method.equals("addIdentity") && args >= 2 && index == args - 1) {
      return true; // JSch.addIdentity(keyFile, passphrase)
    }
    if (chars && CHAR_PASSWORD_METHODS.contains(method) && index >= 1) {
      return true; // KeyStore.load(in, "...".toCharArray()), KeyManagerFactory.init(ks, pw)
    }
    if (HMAC_KEY_METHODS.contains(method) && index == 0) {
      return !method.startsWith("hmacSha") || method.equals("hmacShaKeyFor") || "HmacUtils".equals(scope);
    }
    if (method.equals("signWith") && args == 2 && index == 1) {
      return true; // jjwt signWith(SignatureAlgorithm.HS256, "secret")
    }
    return false;
  }

  static boolean isCredentialSetter(String method) {
    String target = method;
    if ((method.startsWith("set") || method.startsWith("with")) && method.length() > 4) {
      int cut = method.startsWith("set") ? 3 : 4;
      if (!Character.isUpperCase(method.charAt(cut))) {
        return false;
      }
      target = method.substring(cut);
    } else {
      List<String> words = splitWords(method);
      if (words.isEmpty() || words.size() > 3 || VERBS.contains(words.get(0))) {
        return false;
      }
    }
    return Detector.isSecretName(target);
  }

  private static List<String> splitWords(String name) {
    return List.of(name.split("(?<=[a-z0-9])(?=[A-Z])|_")).stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
  }
}
