package dev.archway.app.runtime;

/**
 * An inclusive range of IPv4 addresses, written {@code FIRST-LAST} ({@code --address-range}).
 * Addresses are unsigned 32-bit values held in an {@code int}; parsing is textual (dotted quads,
 * never a name lookup).
 *
 * @param first the lowest address of the range
 * @param last the highest address, not below {@code first}
 */
record AddressRange(int first, int last) {
  private static final String OPTION = "--address-range";

  AddressRange {
    if (Integer.compareUnsigned(first, last) > 0) {
      throw new IllegalArgumentException(
          OPTION
              + ": "
              + text(first)
              + "-"
              + text(last)
              + " (expected the first address not after the last)");
    }
  }

  /** {@code FIRST-LAST}, two IPv4 addresses such as {@code 127.0.1.1-127.0.1.254}. */
  static AddressRange parse(String range) {
    int dash = range.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(
          OPTION + ": " + range + " (expected FIRST-LAST, e.g. 127.0.1.1-127.0.1.254)");
    }
    return new AddressRange(
        required(range.substring(0, dash).trim()), required(range.substring(dash + 1).trim()));
  }

  private static int required(String text) {
    Integer address = ipv4(text);
    if (address == null) {
      throw new IllegalArgumentException(OPTION + ": " + text + " (expected IPv4)");
    }
    return address;
  }

  /** An IPv4 address in dotted form (each part 0-255, at most three digits), or null. */
  static Integer ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    int address = 0;
    for (String part : parts) {
      if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
        return null;
      }
      address = address << 8 | Integer.parseInt(part);
    }
    return address;
  }

  /** The dotted form of {@code address}, without leading zeros. */
  static String text(int address) {
    return (address >>> 24)
        + "."
        + (address >>> 16 & 0xff)
        + "."
        + (address >>> 8 & 0xff)
        + "."
        + (address & 0xff);
  }

  boolean contains(int address) {
    return Integer.compareUnsigned(address, first) >= 0
        && Integer.compareUnsigned(address, last) <= 0;
  }

  /** Whether the range shares an address with {@code FIRST-LAST} of the other, inclusive. */
  boolean overlaps(int otherFirst, int otherLast) {
    return Integer.compareUnsigned(first, otherLast) <= 0
        && Integer.compareUnsigned(otherFirst, last) <= 0;
  }

  @Override
  public String toString() {
    return text(first) + "-" + text(last);
  }
}
