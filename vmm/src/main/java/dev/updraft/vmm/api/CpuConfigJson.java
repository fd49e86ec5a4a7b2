package dev.updraft.vmm.api;

import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.BitFilter;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidRegister;
import dev.updraft.vmm.config.CustomCpuTemplate.KvmCapability;
import dev.updraft.vmm.config.CustomCpuTemplate.MsrModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A custom CPU template as Firecracker reads it on x86_64 ({@code PUT /cpu-config}, the config
 * file's {@code "cpu-config"}): leaves, subleaves and MSR addresses are strings with a {@code 0x}
 * or {@code 0b} prefix, bitmaps are strings of {@code 0}, {@code 1} and {@code x} (with an optional
 * {@code 0b} and {@code _} separators), capabilities are decimal strings, {@code !} to remove one.
 * Every field is checked here, so a bad template is refused before it is stored.
 */
final class CpuConfigJson {
  private CpuConfigJson() {}

  static CustomCpuTemplate template(JsonFields f) {
    f.only("kvm_capabilities", "cpuid_modifiers", "msr_modifiers");
    List<String> caps = f.strings("kvm_capabilities");
    List<KvmCapability> capabilities = new ArrayList<>();
    if (caps != null) {
      for (int i = 0; i < caps.size(); i++) {
        capabilities.add(capability(where(f, "kvm_capabilities[" + i + "]"), caps.get(i)));
      }
    }
    List<CpuidModifier> cpuid = new ArrayList<>();
    for (JsonFields leaf : f.objects("cpuid_modifiers")) {
      cpuid.add(cpuidModifier(leaf));
    }
    List<MsrModifier> msrs = new ArrayList<>();
    for (JsonFields msr : f.objects("msr_modifiers")) {
      msr.only("addr", "bitmap");
      int addr = number(msr, "addr");
      BitFilter bitmap = bitmap(msr, "bitmap", 64);
      msrs.add(msr.build(() -> new MsrModifier(addr, bitmap)));
    }
    return new CustomCpuTemplate(capabilities, cpuid, msrs);
  }

  private static CpuidModifier cpuidModifier(JsonFields f) {
    f.only("leaf", "subleaf", "flags", "modifiers");
    int leaf = number(f, "leaf");
    int subleaf = number(f, "subleaf");
    long flags = f.requiredInt64("flags");
    if (flags < 0 || flags > 0xFFFF_FFFFL) {
      throw new JsonFieldException(
          where(f, "flags") + ": " + flags + " (expected: an integer from 0 to 4294967295)");
    }
    if (!f.has("modifiers")) {
      throw new JsonFieldException(
          where(f, "modifiers") + ": missing (expected: an array of register modifiers)");
    }
    List<RegisterModifier> registers = new ArrayList<>();
    for (JsonFields r : f.objects("modifiers")) {
      r.only("register", "bitmap");
      CpuidRegister register = r.wireEnum("register", CpuidRegister.class);
      if (register == null) {
        throw new JsonFieldException(
            where(r, "register") + ": missing (expected: one of eax, ebx, ecx, edx)");
      }
      BitFilter bitmap = bitmap(r, "bitmap", 32);
      registers.add(r.build(() -> new RegisterModifier(register, bitmap)));
    }
    return f.build(() -> new CpuidModifier(leaf, subleaf, (int) flags, registers));
  }

  /** A 32-bit number written with a {@code 0x} or {@code 0b} prefix, as Firecracker requires. */
  private static int number(JsonFields f, String name) {
    String text = f.string(name);
    if (text == null) {
      throw new JsonFieldException(
          where(f, name) + ": missing (expected: a string such as \"0x1\" or \"0b1\")");
    }
    int radix = text.startsWith("0x") ? 16 : text.startsWith("0b") ? 2 : 0;
    String digits = text.length() > 2 ? text.substring(2) : "";
    try {
      if (radix == 0 || digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
        throw new NumberFormatException();
      }
      return Integer.parseUnsignedInt(digits, radix);
    } catch (NumberFormatException e) {
      throw new JsonFieldException(
          where(f, name)
              + ": \""
              + shown(text)
              + "\" (expected: a number up to 32 bits with a 0x or 0b prefix)");
    }
  }

  /** {@code 0b} optional, then up to {@code width} of 0, 1 or x, least significant bit last. */
  static BitFilter bitmap(JsonFields f, String name, int width) {
    String text = f.string(name);
    if (text == null) {
      throw new JsonFieldException(
          where(f, name) + ": missing (expected: a string of 0, 1 and x, at most " + width + ")");
    }
    String bits = text.startsWith("0b") ? text.substring(2) : text;
    long filter = 0;
    long value = 0;
    int position = 0;
    for (int i = bits.length() - 1; i >= 0; i--) {
      char c = bits.charAt(i);
      if (c == '_') {
        continue;
      }
      if (position == width) {
        throw new JsonFieldException(
            where(f, name)
                + ": \""
                + shown(text)
                + "\" (expected: at most "
                + width
                + " bits of 0, 1 and x)");
      }
      switch (c) {
        case 'x' -> {}
        case '0' -> filter |= 1L << position;
        case '1' -> {
          filter |= 1L << position;
          value |= 1L << position;
        }
        default ->
            throw new JsonFieldException(
                where(f, name)
                    + ": \""
                    + shown(text)
                    + "\" (expected: only 0, 1, x and _ after an optional 0b; found '"
                    + (Character.isISOControl(c) ? "\\u%04x".formatted((int) c) : c)
                    + "')");
      }
      position++;
    }
    return new BitFilter(filter, value);
  }

  private static KvmCapability capability(String where, String text) {
    boolean remove = text.startsWith("!");
    String digits = remove ? text.substring(1) : text;
    try {
      if (digits.isEmpty() || !Character.isDigit(digits.charAt(0))) {
        throw new NumberFormatException();
      }
      int number = Integer.parseUnsignedInt(digits);
      if (number < 0) {
        throw new NumberFormatException();
      }
      return new KvmCapability(number, remove);
    } catch (NumberFormatException e) {
      throw new JsonFieldException(
          where
              + ": \""
              + shown(text)
              + "\" (expected: a KVM capability number, with ! in front to remove it)");
    }
  }

  private static String shown(String text) {
    return text.length() <= 70 ? text : text.substring(0, 70) + "...";
  }

  private static String where(JsonFields f, String name) {
    return f.path().isEmpty() ? name : f.path() + "." + name;
  }
}
