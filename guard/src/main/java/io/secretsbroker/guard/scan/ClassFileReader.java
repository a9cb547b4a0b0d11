package io.secretsbroker.guard.scan;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the string constants of a class file by hand (JVMS chapter 4.4): every
 * {@code CONSTANT_String} of the constant pool, and for each field with a {@code ConstantValue}
 * attribute the pair (field name, constant), so {@code static final String DB_PASSWORD = "..."}
 * is judged by its name as in source. Stateless; returns nothing for a malformed class.
 */
final class ClassFileReader {
  /** A string constant; {@code name} is the field it initialises, or null. */
  record Constant(String name, String value) {}

  private ClassFileReader() {}

  static List<Constant> constants(byte[] bytes) {
    try {
      return read(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static List<Constant> read(DataInputStream in) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      return List.of();
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] stringRef = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.skipBytes(4);
        case 5, 6 -> {
          in.skipBytes(8);
          i++; // long and double take two slots
        }
        case 7, 16, 19, 20 -> in.skipBytes(2);
        case 8 -> stringRef[i] = in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        case 15 -> in.skipBytes(3);
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    List<Constant> out = new ArrayList<>();
    boolean[] named = new boolean[count];
    in.readUnsignedShort(); // access
    in.readUnsignedShort(); // this
    in.readUnsignedShort(); // super
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      in.readUnsignedShort();
      int nameIndex = in.readUnsignedShort();
      in.readUnsignedShort();
      int attrs = in.readUnsignedShort();
      for (int a = 0; a < attrs; a++) {
        String attrName = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if ("ConstantValue".equals(attrName) && length == 2) {
          int cv = in.readUnsignedShort();
          if (cv > 0 && cv < count && stringRef[cv] > 0 && utf8[stringRef[cv]] != null) {
            out.add(new Constant(utf8[nameIndex], utf8[stringRef[cv]]));
            named[cv] = true;
          }
        } else {
          in.skipBytes(length);
        }
      }
    }
    for (int i = 1; i < count; i++) {
      if (stringRef[i] > 0 && !named[i] && utf8[stringRef[i]] != null) {
        out.add(new Constant(null, utf8[stringRef[i]]));
      }
    }
    return out;
  }
}
