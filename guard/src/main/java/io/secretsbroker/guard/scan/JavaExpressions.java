package io.secretsbroker.guard.scan;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.TextBlockLiteralExpr;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link JavaAnalyzer} reads off JavaParser expressions: names, literal keys, folded
 * concatenations of literals. Stateless; thread-safe.
 */
final class JavaExpressions {
  /**
   * Calls a literal passes through unchanged for a sink ({@code "pw".toCharArray()}), or changed
   * only in case or surrounding blanks ({@code PW.toLowerCase()}, {@code PW.stripTrailing()}): the
   * value is still the one written in the code.
   */
  static final Set<String> PASS_THROUGH = Set.of("toCharArray", "getBytes", "trim", "strip", "intern", "toString",
      "stripLeading", "stripTrailing", "stripIndent", "translateEscapes", "toLowerCase", "toUpperCase");

  /** {@code new String("pw")}: a copy of the literal, or null when {@code e} is not one. */
  static Expression copiedLiteral(Expression e) {
    if (e instanceof ObjectCreationExpr oc && oc.getType().getNameAsString().equals("String")
        && oc.getArguments().size() == 1 && fold(oc.getArgument(0)) != null) {
      return oc.getArgument(0);
    }
    return null;
  }

  private JavaExpressions() {}

  static boolean charArray(Expression arg) {
    return arg instanceof MethodCallExpr m && m.getNameAsString().equals("toCharArray");
  }

  static Optional<String> literalKey(MethodCallExpr m, int index) {
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
  static String nameOf(Expression e) {
    if (e instanceof NameExpr n) {
      return n.getNameAsString();
    }
    if (e instanceof FieldAccessExpr f) {
      return f.getNameAsString();
    }
    return null;
  }

  static BinaryExpr topOfConcatenation(Expression e) {
    BinaryExpr top = null;
    Node cur = e;
    while (cur.getParentNode().orElse(null) instanceof BinaryExpr b && b.getOperator() == BinaryExpr.Operator.PLUS) {
      top = b;
      cur = b;
    }
    return top;
  }

  static Expression leftmostLeaf(BinaryExpr b) {
    Expression left = b.getLeft();
    while (left instanceof BinaryExpr lb && lb.getOperator() == BinaryExpr.Operator.PLUS) {
      left = lb.getLeft();
    }
    return left;
  }

  /** The folded text of a concatenation of string literals, or null when any part is not a literal. */
  static String fold(Expression e) {
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
