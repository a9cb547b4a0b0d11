package io.secretsbroker.guard.scan;

import static io.secretsbroker.guard.scan.JavaExpressions.charArray;
import static io.secretsbroker.guard.scan.JavaExpressions.fold;
import static io.secretsbroker.guard.scan.JavaExpressions.leftmostLeaf;
import static io.secretsbroker.guard.scan.JavaExpressions.literalKey;
import static io.secretsbroker.guard.scan.JavaExpressions.nameOf;
import static io.secretsbroker.guard.scan.JavaExpressions.topOfConcatenation;

import com.github.javaparser.Position;
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
import io.secretsbroker.guard.Detection;
import io.secretsbroker.guard.Detector;
import io.secretsbroker.guard.Rule;
import io.secretsbroker.guard.EnvironmentScan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * <p>The jobs are split: {@link JavaContext} finds the context words, {@link JavaSourceParser}
 * parses (skeleton, whole text, snippet), {@link JavaSinks} knows the credential sinks by method
 * and {@link JavaExpressions} reads names and folded literals; this class walks the tree and judges.
 *
 * <p>Not thread-safe (one JavaParser instance); the scanner uses one per thread.
 */
final class JavaAnalyzer {
  private static final Set<String> COMPARISONS = Set.of("equals", "equalsIgnoreCase", "contentEquals");

  private final JavaSourceParser parser = new JavaSourceParser();
  private final Detector detector = Detector.defaults();

  void analyze(SourceText src) {
    JavaContext.Points points = JavaContext.contextPoints(src.text);
    if (points.words().length == 0) {
      return;
    }
    Optional<JavaSourceParser.Parsed> parsed = parser.parse(src.text, points);
    if (parsed.isEmpty()) {
      return;
    }
    firstLineShift = parsed.get().firstLineShift();
    // one pre-order walk collects what four walks (findAll per node type) used to, in the same order
    Nodes nodes = new Nodes();
    constants = Map.of(); // filled from the walk; literal() never reads it
    charArrays.clear();
    parsed.get().unit().walk(node -> {
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
  /** Of those, the ones declared as the literal's {@code toCharArray()}. */
  private final Set<String> charArrays = new HashSet<>();

  private Position at(Position p) {
    return p.line == 1 && firstLineShift > 0 ? new Position(1, Math.max(1, p.column - firstLineShift)) : p;
  }

  /** Literal values of names declared exactly once; a name declared twice is ambiguous and dropped. */
  private Map<String, Expression> constants(Nodes nodes) {
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
      boolean chars = false;
      while (init instanceof MethodCallExpr m && JavaExpressions.PASS_THROUGH.contains(m.getNameAsString()) && m.getScope().isPresent()) {
        chars |= m.getNameAsString().equals("toCharArray");
        init = m.getScope().get();
      }
      if (chars) {
        charArrays.add(vd.getNameAsString()); // char[] pw = "...".toCharArray(): a char[] password
      }
      Expression copied = JavaExpressions.copiedLiteral(init);
      if (copied != null) {
        init = copied; // String pw = new String("..."): the literal
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
          boolean chars = charArray(arg) || (arg instanceof NameExpr n && charArrays.contains(n.getNameAsString()));
          call(src, at(lit.getBegin().orElse(new Position(0, 0))), m, arg, fold(lit), chars, true);
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
    while (e instanceof MethodCallExpr m && JavaExpressions.PASS_THROUGH.contains(m.getNameAsString()) && m.getScope().isPresent()) {
      e = m.getScope().get();
    }
    String name = e instanceof NameExpr n ? n.getNameAsString()
        : e instanceof FieldAccessExpr f && f.getScope() instanceof com.github.javaparser.ast.expr.ThisExpr
            ? f.getNameAsString() : e instanceof FieldAccessExpr f2 ? f2.getNameAsString() : null;
    return name == null ? null : constants.get(name);
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
      } else if (parent instanceof ObjectCreationExpr copy && JavaExpressions.copiedLiteral(copy) == expr) {
        expr = copy; // new String("pw") is the literal
      } else if (parent instanceof MethodCallExpr m && m.getScope().orElse(null) == expr
          && JavaExpressions.PASS_THROUGH.contains(m.getNameAsString())) {
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
    String scope = m.getScope().map(JavaExpressions::nameOf).orElse(null);
    int args = m.getArguments().size();
    if (index >= 0 && JavaSinks.sink(method, scope, index, args, chars)) {
      credential(src, pos, value, method, true);
      return;
    }
    if (viaName) {
      if (args == 1 && JavaSinks.isCredentialSetter(method)) {
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
      if (index == 0 && Detector.isSecretName(value) && !JavaSinks.JSSE_PROPERTIES.contains(value)) {
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
      credential(src, pos, value, "password", true);
      return;
    }
    if (method.equals("create") && scope != null && scope.endsWith("Credentials") && index >= 1) {
      keyed(src, pos, index == 1 ? "awsSecretAccessKey" : "sessionToken", value);
      return;
    }
    if (index % 2 == 1 && JavaSinks.KEYED_PAIR_METHODS.contains(method)) {
      literalKey(m, index - 1).ifPresent(key -> keyed(src, pos, key, value));
      return;
    }
    if (m.getArguments().size() == 1 && JavaSinks.isCredentialSetter(method)) {
      credential(src, pos, value, method);
    }
  }

  private void creation(SourceText src, Position pos, ObjectCreationExpr oc, Expression expr, String value) {
    String type = oc.getType().getNameAsString();
    int index = oc.getArguments().indexOf(expr);
    switch (type) {
      case "PBEKeySpec", "SecretKeySpec", "HmacKey", "Pbkdf2PasswordEncoder", "JWTVerifier" -> {
        if (index == 0) {
          credential(src, pos, value, type, true);
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
      case "AzureKeyCredential", "AzureSasCredential" -> credential(src, pos, value, type, true);
      case "HmacUtils" -> {
        if (index == 1) {
          credential(src, pos, value, type, true);
        }
      }
      case "PasswordAuthentication", "UsernamePasswordCredentials", "UsernamePasswordAuthenticationToken",
          "UsernamePasswordCredential" -> {
        if (index == 1) {
          credential(src, pos, value, "password", true);
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
    credential(src, pos, value, sink, false);
  }

  /** @param clearSink the parameter is a password whatever its name: a weak password counts */
  private void credential(SourceText src, Position pos, String value, String sink, boolean clearSink) {
    for (Detection d : detector.scanCredentialArgument(value, clearSink)) {
      src.reportAt(d, pos.line, pos.column + 1 + d.start(), sink);
    }
  }
}
