package dev.updraft.vmm.cpu;

import dev.updraft.sys.kvm.CpuidEntry;
import dev.updraft.vmm.config.CpuTemplate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The host processor's vendor and signature, read from the CPUID KVM supports (leaf 0 and leaf 1
 * EAX carry the host's), and which static CPU templates Firecracker allows on it: each was made for
 * a few processor models and is refused on any other, with Firecracker's reasons.
 *
 * @param vendor "GenuineIntel", "AuthenticAMD" or what the host says
 * @param signature CPUID.01H:EAX without its type and reserved bits
 */
public record HostCpu(String vendor, int signature) {
  static final String INTEL = "GenuineIntel";
  static final String AMD = "AuthenticAMD";

  /** Stepping, model, family, extended model and extended family: what Firecracker compares. */
  private static final int FMS = 0x0fff_0fff;

  private static final int SKYLAKE = 0x0005_0654;
  private static final int CASCADE_LAKE = 0x0005_0657;
  private static final int ICE_LAKE = 0x0006_06a6;
  private static final int MILAN = 0x00a0_0f11;
  private static final Map<Integer, String> MODELS =
      Map.of(
          SKYLAKE, "Skylake", CASCADE_LAKE, "Cascade Lake", ICE_LAKE, "Ice Lake", MILAN, "Milan");

  public HostCpu {
    signature &= FMS;
  }

  static HostCpu of(List<CpuidEntry> cpuid) {
    CpuidEntry leaf0 = find(cpuid, 0x0);
    CpuidEntry leaf1 = find(cpuid, 0x1);
    ByteBuffer name = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    name.putInt(leaf0.ebx()).putInt(leaf0.edx()).putInt(leaf0.ecx());
    return new HostCpu(new String(name.array(), StandardCharsets.US_ASCII), leaf1.eax());
  }

  /** Why Firecracker would not apply {@code template} here, or null if it would. */
  String refuses(CpuTemplate template) {
    List<Integer> models = models(template);
    String wanted = template == CpuTemplate.T2A ? AMD : INTEL;
    if (!vendor.equals(wanted)) {
      return "CPU vendor mismatched between actual CPU and CPU template (host: "
          + vendor
          + "; expected: "
          + wanted
          + ")";
    }
    if (!models.contains(signature)) {
      return "The current CPU model is not permitted to apply the CPU template (host: "
          + describe(signature)
          + "; expected: "
          + models.stream().map(HostCpu::describe).collect(Collectors.joining(", "))
          + ")";
    }
    return null;
  }

  private static List<Integer> models(CpuTemplate template) {
    return switch (template) {
      case C3, T2 -> List.of(SKYLAKE, CASCADE_LAKE, ICE_LAKE);
      case T2S -> List.of(SKYLAKE, CASCADE_LAKE);
      case T2CL -> List.of(CASCADE_LAKE, ICE_LAKE);
      case T2A -> List.of(MILAN);
      case NONE, V1N1 -> List.of();
    };
  }

  /** "family 0x6 model 0x55 stepping 0x7 (Cascade Lake)", with the extended fields folded in. */
  static String describe(int signature) {
    int family = (signature >>> 8) & 0xf;
    int model = (signature >>> 4) & 0xf;
    if (family == 0x6 || family == 0xf) {
      model |= ((signature >>> 16) & 0xf) << 4;
    }
    if (family == 0xf) {
      family += (signature >>> 20) & 0xff;
    }
    String name = MODELS.get(signature & FMS);
    return "family 0x%x model 0x%x stepping 0x%x".formatted(family, model, signature & 0xf)
        + (name == null ? "" : " (" + name + ")");
  }

  private static CpuidEntry find(List<CpuidEntry> cpuid, int leaf) {
    for (CpuidEntry e : cpuid) {
      if (e.function() == leaf && e.index() == 0) {
        return e;
      }
    }
    throw new CpuTemplateException(
        "machine-config: cpu_template: CPUID leaf 0x%x is not reported by KVM on this host"
                .formatted(leaf)
            + " (expected: the vendor and signature leaves)");
  }
}
