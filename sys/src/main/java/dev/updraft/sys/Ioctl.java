package dev.updraft.sys;

import java.util.Objects;

/**
 * An ioctl request: the number the kernel expects and the name errors should show. Numbers are
 * built with the kernel's {@code _IOC} encoding so that sizes come from struct layouts rather than
 * being typed by hand.
 *
 * @param name the request's name in the kernel headers, e.g. {@code KVM_CREATE_VCPU}
 * @param number the encoded request number
 */
public record Ioctl(String name, long number) {
  private static final int NR_BITS = 8;
  private static final int TYPE_BITS = 8;
  private static final int SIZE_BITS = 14;
  private static final int NR_SHIFT = 0;
  private static final int TYPE_SHIFT = NR_SHIFT + NR_BITS;
  private static final int SIZE_SHIFT = TYPE_SHIFT + TYPE_BITS;
  private static final int DIR_SHIFT = SIZE_SHIFT + SIZE_BITS;
  private static final long DIR_NONE = 0;
  private static final long DIR_WRITE = 1;
  private static final long DIR_READ = 2;

  public Ioctl {
    Objects.requireNonNull(name, "name");
    if (number < 0 || number > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "number: " + number + " (expected: an unsigned 32-bit ioctl request)");
    }
  }

  /** {@code _IO(type, nr)}: no argument struct. */
  public static Ioctl io(String name, int type, int nr) {
    return new Ioctl(name, encode(DIR_NONE, type, nr, 0));
  }

  /** {@code _IOR(type, nr, size)}: the kernel writes a struct of {@code size} bytes. */
  public static Ioctl ior(String name, int type, int nr, long size) {
    return new Ioctl(name, encode(DIR_READ, type, nr, size));
  }

  /** {@code _IOW(type, nr, size)}: the kernel reads a struct of {@code size} bytes. */
  public static Ioctl iow(String name, int type, int nr, long size) {
    return new Ioctl(name, encode(DIR_WRITE, type, nr, size));
  }

  /** {@code _IOWR(type, nr, size)}: the kernel reads and writes the struct. */
  public static Ioctl iowr(String name, int type, int nr, long size) {
    return new Ioctl(name, encode(DIR_READ | DIR_WRITE, type, nr, size));
  }

  /** A request whose number the kernel headers give literally (TUNSETIFF predates _IOC use). */
  public static Ioctl raw(String name, long number) {
    return new Ioctl(name, number);
  }

  private static long encode(long dir, int type, int nr, long size) {
    if (type < 0 || type >= 1 << TYPE_BITS) {
      throw new IllegalArgumentException("type: " + type + " (expected: 0..255)");
    }
    if (nr < 0 || nr >= 1 << NR_BITS) {
      throw new IllegalArgumentException("nr: " + nr + " (expected: 0..255)");
    }
    if (size < 0 || size >= 1 << SIZE_BITS) {
      throw new IllegalArgumentException("size: " + size + " (expected: 0..16383)");
    }
    return (dir << DIR_SHIFT)
        | (size << SIZE_SHIFT)
        | ((long) type << TYPE_SHIFT)
        | ((long) nr << NR_SHIFT);
  }

  @Override
  public String toString() {
    return name + "(0x" + Long.toHexString(number) + ")";
  }
}
