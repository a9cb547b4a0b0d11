package probe;
import com.fasterxml.jackson.core.*;
import java.util.*;
final class Common {
  static String value(byte[] body) throws Exception {
    String data = null; long crc = -1; String field = null;
    try (JsonParser p = new JsonFactory().createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) field = p.currentName();
        else if (t.isScalarValue() && "data".equals(field)) data = p.getText();
        else if (t.isScalarValue() && "dataCrc32c".equals(field)) crc = Long.parseLong(p.getText());
      }
    }
    byte[] d = Base64.getDecoder().decode(data);
    java.util.zip.CRC32C c = new java.util.zip.CRC32C(); c.update(d);
    if (c.getValue() != crc) throw new IllegalStateException("crc");
    return new String(d, "UTF-8");
  }
}
