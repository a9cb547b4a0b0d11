package io.secretsbroker.guard.scan;

/**
 * Hand-written splitters for the one-pair-per-line formats, in place of a regular expression per
 * line. Each reproduces the expression it replaced, quoted in its Javadoc, on one line without
 * its line break (a carriage return already removed): the same pairs, the same groups, the same
 * offsets. Stateless; thread-safe.
 */
final class LineSplitter {
  private LineSplitter() {}

  /** A name and its raw value, and the value's offset in the line. */
  record Pair(String name, String value, int valueAt) {}

  /**
   * A YAML {@code key: value} line: the indent (leading whitespace plus a sequence dash and its
   * blanks), the key, and the raw value after the blanks following the colon (null when the line
   * ends at the colon) with its offset.
   */
  record YamlPair(int indent, String key, String value, int valueAt) {}

  /** {@code ^\s*([^#!\s=:][^=:]*?)\s*[=:]\s*(.*)$}, found in the line: {@code key=value}, {@code key: value}. */
  static Pair propertiesPair(String line) {
    int n = line.length();
    int keyAt = skipBlanks(line, 0);
    if (keyAt == n) {
      return null;
    }
    char first = line.charAt(keyAt);
    if (first == '#' || first == '!' || first == '=' || first == ':') {
      return null;
    }
    int sep = keyAt + 1;
    while (sep < n && line.charAt(sep) != '=' && line.charAt(sep) != ':') {
      sep++;
    }
    if (sep == n) {
      return null;
    }
    int keyEnd = sep;
    while (keyEnd > keyAt + 1 && isBlank(line.charAt(keyEnd - 1))) {
      keyEnd--;
    }
    return value(line, line.substring(keyAt, keyEnd), skipBlanks(line, sep + 1));
  }

  /**
   * {@code ^\s*(?:export\s+|set\s+|setx\s+)?([A-Za-z_][A-Za-z0-9_.\-/:]*)\s*=\s*(.*)$}: shell and
   * {@code .env} assignments, with an optional {@code export}/{@code set}/{@code setx}.
   */
  static Pair envPair(String line) {
    int at = skipBlanks(line, 0);
    for (String keyword : new String[] {"export", "set", "setx"}) {
      int after = at + keyword.length();
      if (line.startsWith(keyword, at) && after < line.length() && isBlank(line.charAt(after))) {
        Pair p = envAssignment(line, skipBlanks(line, after));
        if (p != null) {
          return p;
        }
      }
    }
    return envAssignment(line, at);
  }

  private static Pair envAssignment(String line, int nameAt) {
    int n = line.length();
    if (nameAt == n || !isNameStart(line.charAt(nameAt))) {
      return null;
    }
    int nameEnd = nameAt + 1;
    while (nameEnd < n && isEnvNameChar(line.charAt(nameEnd))) {
      nameEnd++;
    }
    int eq = skipBlanks(line, nameEnd);
    if (eq == n || line.charAt(eq) != '=') {
      return null;
    }
    return value(line, line.substring(nameAt, nameEnd), skipBlanks(line, eq + 1));
  }

  /**
   * {@code ^(\s*)(-\s+)?["']?([^"'#:{}\[\],]+?)["']?\s*:(?:\s+(.*))?$}, matching the whole line.
   * The indent and the dash are tried as the expression's backtracking would try them, longest
   * first; for one choice of them the key, the colon and the value follow without choice.
   */
  static YamlPair yamlPair(String line) {
    if (line.indexOf(':') < 0) {
      return null;
    }
    int n = line.length();
    for (int indent = skipBlanks(line, 0); indent >= 0; indent--) {
      if (indent + 1 < n && line.charAt(indent) == '-' && isBlank(line.charAt(indent + 1))) {
        for (int keyAt = skipBlanks(line, indent + 1); keyAt >= indent + 2; keyAt--) {
          YamlPair y = yamlKeyAndValue(line, keyAt, keyAt);
          if (y != null) {
            return y;
          }
        }
      }
      YamlPair y = yamlKeyAndValue(line, indent, indent);
      if (y != null) {
        return y;
      }
    }
    return null;
  }

  /** The rest of the YAML expression from {@code at} (after the indent and the dash), or null. */
  private static YamlPair yamlKeyAndValue(String line, int at, int indent) {
    int n = line.length();
    int keyAt = at < n && (line.charAt(at) == '"' || line.charAt(at) == '\'') ? at + 1 : at;
    int keyEnd = keyAt;
    while (keyEnd < n && !isYamlKeyStop(line.charAt(keyEnd))) {
      keyEnd++;
    }
    if (keyEnd == keyAt) {
      return null;
    }
    int colon = keyEnd;
    if (colon < n && (line.charAt(colon) == '"' || line.charAt(colon) == '\'')) {
      colon++;
    }
    colon = skipBlanks(line, colon);
    if (colon == n || line.charAt(colon) != ':') {
      return null;
    }
    String key = key(line, keyAt, keyEnd);
    if (colon + 1 == n) {
      return new YamlPair(indent, key, null, -1);
    }
    if (!isBlank(line.charAt(colon + 1))) {
      return null;
    }
    int valueAt = skipBlanks(line, colon + 1);
    if (lineTerminator(line, valueAt) >= 0) {
      return null; // matches() has to consume the whole line, and (.*) cannot
    }
    return new YamlPair(indent, key, line.substring(valueAt), valueAt);
  }

  /**
   * {@code (.*)$} found from {@code valueAt}: the value runs to the end, or to a line terminator
   * that ends the line; a terminator anywhere else means no match.
   */
  private static Pair value(String line, String name, int valueAt) {
    int stop = lineTerminator(line, valueAt);
    if (stop >= 0 && stop != line.length() - 1) {
      return null;
    }
    return new Pair(name, line.substring(valueAt, stop < 0 ? line.length() : stop), valueAt);
  }

  /** The first character at or after {@code from} that {@code .} does not match, or -1. */
  private static int lineTerminator(String line, int from) {
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\r' || c == '\n' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return i;
      }
    }
    return -1;
  }

  /** The lazy key group: without the blanks before the colon, but at least one character. */
  private static String key(String line, int from, int to) {
    int end = to;
    while (end > from + 1 && isBlank(line.charAt(end - 1))) {
      end--;
    }
    return line.substring(from, end);
  }

  private static boolean isYamlKeyStop(char c) {
    return c == '"' || c == '\'' || c == '#' || c == ':' || c == '{' || c == '}' || c == '[' || c == ']' || c == ',';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isEnvNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/' || c == ':';
  }

  /** The regex {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
  static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  private static int skipBlanks(String line, int from) {
    int i = from;
    while (i < line.length() && isBlank(line.charAt(i))) {
      i++;
    }
    return i;
  }
}
