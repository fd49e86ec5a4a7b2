package dev.updraft.vmm.cpu;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.sys.kvm.MsrEntry;
import dev.updraft.vmm.config.CustomCpuTemplate;
import dev.updraft.vmm.config.CustomCpuTemplate.CpuidModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.MsrModifier;
import dev.updraft.vmm.config.CustomCpuTemplate.RegisterModifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies a custom CPU template the way Firecracker does: each CPUID modifier changes the entry of
 * its leaf and subleaf in the host's supported CPUID (the entry must exist) and sets its flags;
 * each MSR modifier changes the value the vCPU has for its MSR (KVM must know the MSR). Pure
 * functions over the values, so the rules are tested without KVM.
 */
public final class CpuTemplates {
  private CpuTemplates() {}

  /** {@code supported} with the template's CPUID modifiers applied, in the same order. */
  public static List<CpuidEntry> applyToCpuid(
      List<CpuidEntry> supported, CustomCpuTemplate template) {
    List<CpuidEntry> entries = new ArrayList<>(supported);
    for (CpuidModifier leaf : template.cpuidModifiers()) {
      int at = indexOf(entries, leaf.leaf(), leaf.subleaf());
      if (at < 0) {
        throw new CpuTemplateException(
            "cpu-config: CPUID leaf 0x%x subleaf 0x%x is not supported by KVM on this host"
                    .formatted(leaf.leaf(), leaf.subleaf())
                + " (expected: a leaf and subleaf the host reports)");
      }
      CpuidEntry e = entries.get(at);
      int eax = e.eax();
      int ebx = e.ebx();
      int ecx = e.ecx();
      int edx = e.edx();
      for (RegisterModifier m : leaf.modifiers()) {
        switch (m.register()) {
          case EAX -> eax = (int) m.bitmap().apply(Integer.toUnsignedLong(eax));
          case EBX -> ebx = (int) m.bitmap().apply(Integer.toUnsignedLong(ebx));
          case ECX -> ecx = (int) m.bitmap().apply(Integer.toUnsignedLong(ecx));
          case EDX -> edx = (int) m.bitmap().apply(Integer.toUnsignedLong(edx));
        }
      }
      entries.set(at, new CpuidEntry(e.function(), e.index(), leaf.flags(), eax, ebx, ecx, edx));
    }
    return entries;
  }

  /**
   * The MSR values the template sets, computed from the vCPU's current ones: {@code read} is {@code
   * KVM_GET_MSRS} for the template's MSRs, which leaves out those KVM does not know.
   */
  public static List<MsrEntry> msrs(
      CustomCpuTemplate template, Function<List<Integer>, List<MsrEntry>> read) {
    if (template.msrModifiers().isEmpty()) {
      return List.of();
    }
    List<Integer> indices = template.msrModifiers().stream().map(MsrModifier::addr).toList();
    Map<Integer, Long> current = new HashMap<>();
    for (MsrEntry e : read.apply(indices)) {
      current.put(e.index(), e.value());
    }
    List<MsrEntry> values = new ArrayList<>();
    for (MsrModifier m : template.msrModifiers()) {
      Long value = current.get(m.addr());
      if (value == null) {
        throw new CpuTemplateException(
            "cpu-config: MSR 0x%x is not supported by KVM on this host".formatted(m.addr())
                + " (expected: an MSR KVM can read and write)");
      }
      long changed = m.bitmap().apply(value);
      current.put(m.addr(), changed); // a second modifier of the same MSR builds on the first
      values.add(new MsrEntry(m.addr(), changed));
    }
    return values;
  }

  private static int indexOf(List<CpuidEntry> entries, int leaf, int subleaf) {
    for (int i = 0; i < entries.size(); i++) {
      CpuidEntry e = entries.get(i);
      if (e.function() == leaf && e.index() == subleaf) {
        return i;
      }
    }
    return -1;
  }
}
