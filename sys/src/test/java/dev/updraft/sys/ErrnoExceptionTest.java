package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrnoExceptionTest {
  // Far above any descriptor this JVM opens, so the kernel reliably answers EBADF.
  private static final int UNUSED_FD = 987_654;

  @Test
  void badDescriptorBecomesTypedException() {
    Fd bogus = Fd.adopt(UNUSED_FD, "bogus");
    assertThatThrownBy(() -> bogus.write(ByteBuffer.wrap(new byte[] {1})))
        .isInstanceOfSatisfying(
            ErrnoException.class,
            e -> {
              assertThat(e.errno()).isEqualTo(Errno.EBADF);
              assertThat(e.errnoName()).isEqualTo("EBADF");
              assertThat(e.call()).isEqualTo("write(bogus)");
              assertThat(e).hasMessage("write(bogus) failed: EBADF (9): Bad file descriptor");
            });
  }

  @Test
  void ioctlFailureNamesTheRequest() {
    Ioctl request = Ioctl.io("KVM_CREATE_VCPU", 0xAE, 0x41);
    Fd bogus = Fd.adopt(UNUSED_FD, "bogus");
    assertThatThrownBy(() -> bogus.ioctl(request, 0))
        .isInstanceOf(ErrnoException.class)
        .hasMessageStartingWith("ioctl(KVM_CREATE_VCPU) failed: EBADF (9)");
  }

  @Test
  void missingFileNamesThePath() {
    assertThatThrownBy(() -> Fd.open(Path.of("/nonexistent/updraft"), OpenFlags.O_RDONLY))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
        .hasMessage("open(/nonexistent/updraft) failed: ENOENT (2): No such file or directory");
  }

  @Test
  void errnoNamesComeFromLibc() {
    assertThat(Errno.name(Errno.EINVAL)).isEqualTo("EINVAL");
    assertThat(Errno.name(Errno.EINTR)).isEqualTo("EINTR");
    assertThat(Errno.describe(Errno.EINVAL)).isEqualTo("Invalid argument");
    assertThat(Errno.name(4095)).isEqualTo("errno 4095");
  }

  @Test
  void ioctlNumbersMatchKernelHeaders() {
    // Values from <linux/kvm.h> and <linux/if_tun.h> as compiled by gcc on x86-64.
    assertThat(Ioctl.io("KVM_GET_API_VERSION", 0xAE, 0x00).number()).isEqualTo(0xAE00L);
    assertThat(Ioctl.iow("KVM_SET_USER_MEMORY_REGION", 0xAE, 0x46, 32).number())
        .isEqualTo(0x4020AE46L);
    assertThat(Ioctl.ior("KVM_GET_REGS", 0xAE, 0x81, 144).number()).isEqualTo(0x8090AE81L);
    assertThat(Ioctl.iowr("KVM_GET_SUPPORTED_CPUID", 0xAE, 0x05, 8).number())
        .isEqualTo(0xC008AE05L);
    assertThat(Ioctl.iow("TUNSETIFF", 'T', 202, 4).number()).isEqualTo(0x400454CAL);
    assertThatThrownBy(() -> Ioctl.iow("X", 0xAE, 0x46, 1 << 14))
        .hasMessage("size: 16384 (expected: 0..16383)");
  }
}
