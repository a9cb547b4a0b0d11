package io.secretsbroker.guard.scan;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MemberValuePair;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import com.github.javaparser.ast.stmt.ReturnStmt;
import io.secretsbroker.guard.AnchorScanner;
import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Detector;
import io.secretsbroker.guard.Rule;
import io.secretsbroker.guard.EnvironmentScan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Java sources with JavaParser and judges string literals by the code around them:
 * literals assigned to secret-named variables, fields, constants and annotation members (and
 * returned from secret-named getters); literals passed to credential parameters
 * ({@code DriverManager.getConnection(url, user, "pw")}, {@code setPassword("...")}, builder
 * {@code .apiKey("...")}, {@code new PBEKeySpec("...".toCharArray())}, {@code new SecretKeySpec(...)},
 * {@code AwsBasicCredentials.create(id, "...")}, {@code props.setProperty("password", "...")},
 * {@code map.put("password", "...")}, {@code password.equals("...")}); and reads of secrets from
 * the environment ({@code System.getenv("DB_PASSWORD")}, {@code System.getProperty("db.password")}).
 * Concatenations of literals are folded. A file JavaParser cannot parse keeps the format rules,
 * which the scanner has already applied to its text. A file without any context word is not
 * parsed, nor one where no string literal is relevant ({@link JavaSkeleton}: no context word in
 * its statement, no concatenation or escape, not in a secret-named getter) and no sink word
 * stands, since every judgement above needs one of those; in the others, {@link JavaSkeleton}
 * first blanks the blocks without one, so the parser reads little more than the declarations
 * that matter.
 *
 * <p>Not thread-safe (one JavaParser instance); the scanner uses one per thread.
 */
final class JavaAnalyzer {
  private static final Set<String> KEYED_PAIR_METHODS = Set.of("put", "putIfAbsent", "setProperty", "of", "entry",
      "header", "addHeader", "setHeader", "set", "with", "property", "param", "option", "addProperty",
      "setAttribute", "withProperty", "queryParam", "formParam");
  private static final Set<String> COMPARISONS = Set.of("equals", "equalsIgnoreCase", "contentEquals");
  private static final Set<String> PASS_THROUGH = Set.of("toCharArray", "getBytes", "trim", "strip", "intern");
  private static final Set<String> VERBS = Set.of("get", "is", "has", "find", "load", "read", "fetch", "validate",
      "check", "verify", "reset", "update", "rotate", "create", "delete", "remove", "encode", "decode", "hash", "mask",
      "generate", "new", "parse", "require", "resolve", "refresh", "revoke", "issue", "store", "save", "to", "as",
      "on", "handle", "log", "print", "assert", "expect", "contains", "matches", "compare", "describe", "format");

  private final JavaParser parser;
  private final Detector detector = Detector.defaults();

  JavaAnalyzer() {
    // RAW: the grammar accepts every Java version; the language-level validators and post-processors
    // would only reject or rewrite code, which a scanner never needs (they cost a third of the parse)
    ParserConfiguration cfg = new ParserConfiguration()
        .setLanguageLevel(ParserConfiguration.LanguageLevel.RAW)
        .setAttributeComments(false);
    this.parser = new JavaParser(cfg);
  }

  /**
   * Words (lower-case) without which no keyed, sink or environment-read rule can fire in a file;
   * a file containing none is not parsed (the format rules have already run over its text).
   */
  private static final String[] CONTEXT_WORDS = {"pass", "pwd", "secret", "token", "credential", "apikey", "api_key",
      "privatekey", "private_key", "accesskey", "access_key", "authkey", "auth_key", "getenv", "getproperty", "getconnection",
      "keyspec", "signingkey", "signing_key", "encryptionkey", "encryption_key", "masterkey", "master_key",
      "accountkey", "account_key", "storagekey", "storage_key", "clientkey", "client_key", "hmackey", "hmac_key",
      "sessionkey", "appkey", "app_key", "sharedkey", "shared_key", "cryptokey", "cipherkey", "subscriptionkey",
      "licensekey", "sas", "login(", "tochararray", "keystore", "hmac", "pbkdf2", "signwith", "addidentity"};
  /**
   * Fragments that a secret-sounding name ({@link Detector#isSecretName}) holds when it holds no
   * context word: {@code pw}, {@code app.key}, {@code clientKey}. They are common in code
   * ({@code key}), so one counts only inside a secret-sounding identifier or literal.
   */
  private static final String[] WEAK_FRAGMENTS = {"pw", "key"};
  /** Words of the credential sinks that may take a literal through a name declared elsewhere. */
  private static final List<String> SINK_WORDS = List.of("getconnection", "login(", "keyspec", "pbkdf2", "hmac",
      "signwith", "addidentity", "setpassword", "passwordauthentication", "keystore", "withpassword",
      "setsigningkey");
  private static final AnchorScanner CONTEXT;

  static {
    List<String> words = new ArrayList<>(List.of(CONTEXT_WORDS));
    words.addAll(List.of(WEAK_FRAGMENTS));
    words.addAll(SINK_WORDS); // one pass finds the sink words too
    CONTEXT = AnchorScanner.anyCase(words);
  }

  /**
   * Where context words and weak fragments stand in a text, each sorted, and whether a sink word
   * ({@code SINK_WORDS}) stands in it; all empty when the text holds no context word and need
   * not be parsed.
   */
  record Points(int[] words, int[] weak, boolean sink) {
    static final Points NONE = new Points(new int[0], new int[0], false);
  }

  static Points contextPoints(String text) {
    int[][] found = {new int[8], new int[8]};
    int[] count = {0, 0};
    boolean[] sink = {false};
    CONTEXT.scan(text, (word, at) -> {
      if (word >= CONTEXT_WORDS.length + WEAK_FRAGMENTS.length) {
        sink[0] = true;
        return;
      }
      int kind = word < CONTEXT_WORDS.length ? 0 : 1;
      if (count[kind] == found[kind].length) {
        found[kind] = Arrays.copyOf(found[kind], count[kind] * 2);
      }
      found[kind][count[kind]++] = at;
    });
    if (count[0] == 0) {
      return Points.NONE;
    }
    int[] words = Arrays.copyOf(found[0], count[0]);
    int[] weak = Arrays.copyOf(found[1], count[1]);
    Arrays.sort(words);
    Arrays.sort(weak);
    return new Points(words, weak, sink[0]);
  }

  void analyze(SourceText src) {
    Points points = contextPoints(src.text);
    if (points.words().length == 0) {
      return;
    }
    // a credential sink may take its literal through a name declared elsewhere in the class: such
    // files are parsed whole (the skeleton keeps only statements holding a relevant literal)
    String skeleton = points.sink() ? src.text : JavaSkeleton.skeletonOrNull(src.text, points);
    if (skeleton == null) {
      return; // no literal of the file could be judged: its context words are all in comments or far off
    }
    ParseResult<CompilationUnit> result = parser.parse(skeleton);
    if (!result.isSuccessful() && skeleton != src.text) {
      result = parser.parse(src.text); // the blanking should never break a parse; if it does, see all
    }
    firstLineShift = 0;
    if (!result.isSuccessful()) {
      result = parseSnippet(src.text);
    }
    Optional<CompilationUnit> cu = result.getResult();
    if (cu.isEmpty() || !result.isSuccessful()) {
      return;
    }
    // one pre-order walk collects what four walks (findAll per node type) used to, in the same order
    Nodes nodes = new Nodes();
    constants = Map.of(); // filled from the walk; literal() never reads it
    cu.get().walk(node -> {
      if (node instanceof StringLiteralExpr lit) {
        literal(src, lit, lit.asString());
      } else {
        nodes.add(node);
      }
    });
    constants = constants(nodes);
    for (TextBlockLiteralExpr lit : nodes.textBlocks) {
      literal(src, lit, lit.asString());
    }
    if (!constants.isEmpty()) {
      flowIntoSinks(src, nodes);
    }
  }

  /** The nodes of one compilation unit the analysis visits after its literals, each list in pre-order. */
  private static final class Nodes {
    final List<TextBlockLiteralExpr> textBlocks = new ArrayList<>();
    final List<com.github.javaparser.ast.body.Parameter> parameters = new ArrayList<>();
    final List<VariableDeclarator> variables = new ArrayList<>();
    final List<MethodCallExpr> calls = new ArrayList<>();
    final List<ObjectCreationExpr> creations = new ArrayList<>();

    void add(Node node) {
      if (node instanceof TextBlockLiteralExpr block) {
        textBlocks.add(block);
      } else if (node instanceof com.github.javaparser.ast.body.Parameter p) {
        parameters.add(p);
      } else if (node instanceof VariableDeclarator vd) {
        variables.add(vd);
      } else if (node instanceof MethodCallExpr m) {
        calls.add(m);
      } else if (node instanceof ObjectCreationExpr oc) {
        creations.add(oc);
      }
    }
  }


  /** Columns on line 1 of a snippet parsed inside a wrapper class shift by the wrapper's length. */
  private int firstLineShift;
  /** Names declared once in the compilation unit with a literal value: locals, fields, constants. */
  private Map<String, Expression> constants = Map.of();

  private static final String SNIPPET_CLASS = "class GuardSnippet$ { ";
  private static final String SNIPPET_METHOD = "class GuardSnippet$ { void snippet$() throws Exception { ";

  /**
   * A file that is not a compilation unit (a documentation snippet, a gist, a JShell script): its
   * field declarations and methods parse inside a class, its statements inside a method. Leading
   * {@code import} and {@code package} lines are blanked first (positions kept).
   */
  private ParseResult<CompilationUnit> parseSnippet(String text) {
    String body = blankImports(text);
    ParseResult<CompilationUnit> r = parser.parse(SNIPPET_CLASS + body + "\n}");
    if (r.isSuccessful()) {
      firstLineShift = SNIPPET_CLASS.length();
      return r;
    }
    r = parser.parse(SNIPPET_METHOD + body + "\n}}");
    firstLineShift = SNIPPET_METHOD.length();
    return r;
  }

  private static String blankImports(String text) {
    StringBuilder sb = new StringBuilder(text);
    int i = 0;
    while (i < sb.length()) {
      int end = sb.indexOf("\n", i);
      if (end < 0) {
        end = sb.length();
      }
      String line = sb.substring(i, end).strip();
      if (line.startsWith("import ") || line.startsWith("package ")) {
        for (int k = i; k < end; k++) {
          sb.setCharAt(k, ' ');
        }
      } else if (!line.isEmpty() && !line.startsWith("//")) {
        break;
      }
      i = end + 1;
    }
    return sb.toString();
  }

  private Position at(Position p) {
    return p.line == 1 && firstLineShift > 0 ? new Position(1, Math.max(1, p.column - firstLineShift)) : p;
  }

  /** Literal values of names declared exactly once; a name declared twice is ambiguous and dropped. */
  private static Map<String, Expression> constants(Nodes nodes) {
    Map<String, Expression> out = new HashMap<>();
    Set<String> ambiguous = new HashSet<>();
    Set<String> declared = new HashSet<>();
    for (com.github.javaparser.ast.body.Parameter p : nodes.parameters) {
      declared.add(p.getNameAsString());
    }
    for (VariableDeclarator vd : nodes.variables) {
      if (!declared.add(vd.getNameAsString())) {
        ambiguous.add(vd.getNameAsString());
      }
      Expression init = vd.getInitializer().orElse(null);
      while (init instanceof MethodCallExpr m && PASS_THROUGH.contains(m.getNameAsString()) && m.getScope().isPresent()) {
        init = m.getScope().get();
      }
      if (init instanceof StringLiteralExpr || init instanceof TextBlockLiteralExpr
          || (init instanceof BinaryExpr && fold(init) != null)) {
        String name = vd.getNameAsString();
        if (out.put(name, init) != null) {
          ambiguous.add(name);
        }
      }
    }
    ambiguous.forEach(out::remove);
    return out;
  }

  /**
   * Data flow within a class: a local, field or constant holding a literal and passed to a
   * credential sink ({@code new PBEKeySpec(PW.toCharArray())}, {@code getConnection(url, user, pw)})
   * is judged as if the literal stood there; the finding is reported at the literal.
   */
  private void flowIntoSinks(SourceText src, Nodes nodes) {
    for (MethodCallExpr m : nodes.calls) {
      for (Expression arg : m.getArguments()) {
        Expression lit = resolve(arg);
        if (lit != null) {
          call(src, at(lit.getBegin().orElse(new Position(0, 0))), m, arg, fold(lit), charArray(arg), true);
        }
      }
    }
    for (ObjectCreationExpr oc : nodes.creations) {
      for (Expression arg : oc.getArguments()) {
        Expression lit = resolve(arg);
        if (lit != null) {
          creation(src, at(lit.getBegin().orElse(new Position(0, 0))), oc, arg, fold(lit));
        }
      }
    }
  }

  private Expression resolve(Expression arg) {
    Expression e = arg;
    while (e instanceof MethodCallExpr m && PASS_THROUGH.contains(m.getNameAsString()) && m.getScope().isPresent()) {
      e = m.getScope().get();
    }
    String name = e instanceof NameExpr n ? n.getNameAsString()
        : e instanceof FieldAccessExpr f && f.getScope() instanceof com.github.javaparser.ast.expr.ThisExpr
            ? f.getNameAsString() : e instanceof FieldAccessExpr f2 ? f2.getNameAsString() : null;
    return name == null ? null : constants.get(name);
  }

  private static boolean charArray(Expression arg) {
    return arg instanceof MethodCallExpr m && m.getNameAsString().equals("toCharArray");
  }

  private void literal(SourceText src, Expression lit, String value) {
    Expression expr = lit;
    Node parent = expr.getParentNode().orElse(null);
    if (parent instanceof BinaryExpr) {
      BinaryExpr top = topOfConcatenation(expr);
      if (top == null || leftmostLeaf(top) != lit) {
        return;
      }
      String folded = fold(top);
      if (folded == null) {
        return;
      }
      value = folded;
      expr = top;
    }
    boolean chars = false;
    while (true) {
      parent = expr.getParentNode().orElse(null);
      if (parent instanceof EnclosedExpr || parent instanceof CastExpr) {
        expr = (Expression) parent;
      } else if (parent instanceof MethodCallExpr m && m.getScope().orElse(null) == expr
          && PASS_THROUGH.contains(m.getNameAsString())) {
        chars |= m.getNameAsString().equals("toCharArray");
        expr = m;
      } else {
        break;
      }
    }
    Position pos = at(lit.getBegin().orElse(new Position(0, 0)));
    if (parent instanceof VariableDeclarator vd && vd.getInitializer().orElse(null) == expr) {
      keyed(src, pos, vd.getNameAsString(), value);
    } else if (parent instanceof AssignExpr a && a.getValue() == expr) {
      String target = nameOf(a.getTarget());
      if (target != null) {
        keyed(src, pos, target, value);
      }
    } else if (parent instanceof MemberValuePair mvp) {
      keyed(src, pos, mvp.getNameAsString(), value);
    } else if (parent instanceof ReturnStmt) {
      String name = expr.findAncestor(MethodDeclaration.class).map(MethodDeclaration::getNameAsString).orElse("");
      if (name.startsWith("get") && name.length() > 3) {
        keyed(src, pos, name.substring(3), value);
      }
    } else if (parent instanceof MethodCallExpr m) {
      call(src, pos, m, expr, value, chars, false);
    } else if (parent instanceof ObjectCreationExpr oc) {
      creation(src, pos, oc, expr, value);
    }
  }

  /**
   * @param chars    the literal reached the call through {@code .toCharArray()}
   * @param viaName  the literal reached the call through a variable (data flow): only credential sinks count
   */
  private void call(SourceText src, Position pos, MethodCallExpr m, Expression expr, String value, boolean chars,
                    boolean viaName) {
    String method = m.getNameAsString();
    int index = m.getArguments().indexOf(expr);
    String scope = m.getScope().map(JavaAnalyzer::nameOf).orElse(null);
    int args = m.getArguments().size();
    if (index >= 0 && sink(method, scope, index, args, chars)) {
      credential(src, pos, value, method);
      return;
    }
    if (viaName) {
      if (args == 1 && isCredentialSetter(method)) {
        credential(src, pos, value, method);
      }
      return;
    }
    if (index < 0) {
      // the literal is the scope: "literal".equals(password)
      if (COMPARISONS.contains(method) && m.getArguments().size() == 1) {
        String other = nameOf(m.getArgument(0));
        if (other != null) {
          keyed(src, pos, other, value);
        }
      }
      return;
    }
    boolean system = scope == null || scope.equals("System");
    if (method.equals("getenv") && system && index == 0) {
      if (Detector.isSecretName(value) && !EnvironmentScan.PLATFORM_IDENTITY.contains(value)) {
        src.reportName(Rule.JAVA_ENV_SECRET_READ, pos.line, pos.column, value);
      }
      return;
    }
    if (method.equals("getProperty") && "System".equals(scope)) {
      if (index == 0 && Detector.isSecretName(value) && !JSSE_PROPERTIES.contains(value)) {
        src.reportName(Rule.JAVA_PROPERTY_SECRET_READ, pos.line, pos.column, value);
      } else if (index == 1) {
        literalKey(m, 0).ifPresent(key -> keyed(src, pos, key, value));
      }
      return;
    }
    if (method.equals("getOrDefault") && index == 1) {
      literalKey(m, 0).ifPresent(key -> keyed(src, pos, key, value));
      return;
    }
    if (COMPARISONS.contains(method) && scope != null) {
      keyed(src, pos, scope, value);
      return;
    }
    if (method.equals("getConnection") && m.getArguments().size() == 3 && index == 2) {
      credential(src, pos, value, "password");
      return;
    }
    if (method.equals("create") && scope != null && scope.endsWith("Credentials") && index >= 1) {
      keyed(src, pos, index == 1 ? "awsSecretAccessKey" : "sessionToken", value);
      return;
    }
    if (index % 2 == 1 && KEYED_PAIR_METHODS.contains(method)) {
      literalKey(m, index - 1).ifPresent(key -> keyed(src, pos, key, value));
      return;
    }
    if (m.getArguments().size() == 1 && isCredentialSetter(method)) {
      credential(src, pos, value, method);
    }
  }

  /**
   * The JDK's own JSSE settings: the platform defines and reads them (the JDK's TrustStoreManager),
   * so reading one is not an application keeping a secret in a system property.
   */
  private static final Set<String> JSSE_PROPERTIES = Set.of("javax.net.ssl.keyStorePassword",
      "javax.net.ssl.trustStorePassword");

  /** Key-store and key-manager methods taking a password as {@code char[]}. */
  private static final Set<String> CHAR_PASSWORD_METHODS = Set.of("load", "store", "getKey", "init", "setKeyEntry",
      "getEntry", "getInstance", "addIdentity");
  /** HMAC key factories taking the key as their first argument. */
  private static final Set<String> HMAC_KEY_METHODS = Set.of("HMAC256", "HMAC384", "HMAC512", "hmacShaKeyFor",
      "hmacSha1", "hmacSha256", "hmacSha384", "hmacSha512");

  /** Calls whose argument at {@code index} is a credential, whatever the parameter's name. */
  private static boolean sink(String method, String scope, int index, int args, boolean chars) {
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

  private static boolean isCredentialSetter(String method) {
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

  private void creation(SourceText src, Position pos, ObjectCreationExpr oc, Expression expr, String value) {
    String type = oc.getType().getNameAsString();
    int index = oc.getArguments().indexOf(expr);
    switch (type) {
      case "PBEKeySpec", "SecretKeySpec", "HmacKey", "Pbkdf2PasswordEncoder", "JWTVerifier" -> {
        if (index == 0) {
          credential(src, pos, value, type);
        }
      }
      case "BasicAWSCredentials", "AwsBasicCredentials", "BasicSessionCredentials" -> {
        if (index >= 1) {
          keyed(src, pos, index == 1 ? "awsSecretAccessKey" : "sessionToken", value);
        }
      }
      case "StorageSharedKeyCredential", "AzureNamedKeyCredential" -> {
        if (index == 1) {
          keyed(src, pos, "accountKey", value);
        }
      }
      case "AzureKeyCredential", "AzureSasCredential" -> credential(src, pos, value, type);
      case "HmacUtils" -> {
        if (index == 1) {
          credential(src, pos, value, type);
        }
      }
      case "PasswordAuthentication", "UsernamePasswordCredentials", "UsernamePasswordAuthenticationToken",
          "UsernamePasswordCredential" -> {
        if (index == 1) {
          credential(src, pos, value, "password");
        }
      }
      default -> { }
    }
  }

  private void keyed(SourceText src, Position pos, String name, String value) {
    for (Detection d : detector.scanAssignment(name, value)) {
      src.reportAt(d, pos.line, pos.column + 1 + d.start(), name);
    }
  }

  private void credential(SourceText src, Position pos, String value, String sink) {
    for (Detection d : detector.scanCredentialArgument(value)) {
      src.reportAt(d, pos.line, pos.column + 1 + d.start(), sink);
    }
  }

  private static Optional<String> literalKey(MethodCallExpr m, int index) {
    if (index < 0 || index >= m.getArguments().size()) {
      return Optional.empty();
    }
    Expression key = m.getArgument(index);
    if (key instanceof StringLiteralExpr s) {
      return Optional.of(s.asString());
    }
    String name = nameOf(key);
    return Optional.ofNullable(name);
  }

  /** The simple name of a variable or field expression, or null. */
  private static String nameOf(Expression e) {
    if (e instanceof NameExpr n) {
      return n.getNameAsString();
    }
    if (e instanceof FieldAccessExpr f) {
      return f.getNameAsString();
    }
    return null;
  }

  private static BinaryExpr topOfConcatenation(Expression e) {
    BinaryExpr top = null;
    Node cur = e;
    while (cur.getParentNode().orElse(null) instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
      top = b;
      cur = b;
    }
    return top;
  }

  private static Expression leftmostLeaf(BinaryExpr b) {
    Expression left = b.getLeft();
    while (left instanceof BinaryExpr lb && lb.getOperator() == BinaryExpr.Operator.PLUS) {
      left = lb.getLeft();
    }
    return left;
  }

  /** The folded text of a concatenation of string literals, or null when any part is not a literal. */
  private static String fold(Expression e) {
    if (e instanceof StringLiteralExpr s) {
      return s.asString();
    }
    if (e instanceof TextBlockLiteralExpr t) {
      return t.asString();
    }
    if (e instanceof EnclosedExpr en) {
      return fold(en.getInner());
    }
    if (e instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
      String l = fold(b.getLeft());
      String r = l == null ? null : fold(b.getRight());
      return r == null ? null : l + r;
    }
    return null;
  }
}
