package dev.updraft.sys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.CProbe;
import dev.updraft.sys.testing.NeedsProgram;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C probe against the system headers and checks the userfaultfd ioctls and structs and
 * the sendmsg/recvmsg layouts the Java side hand-codes.
 */
@NeedsProgram(value = "gcc", debian = "gcc")
class SyscallLayoutsTest {
  private static final String PROBE =
      """
      #include <sys/ioctl.h>
      #include <linux/userfaultfd.h>
      #include <sys/socket.h>
      #include <sys/syscall.h>
      #include <sys/uio.h>
      #include <stdio.h>
      #include <stddef.h>
      #define N(x) printf("%s %lu\\n", #x, (unsigned long)(x));
      #define O(s, f) printf("%s.%s %zu\\n", #s, #f, offsetof(struct s, f));
      #define S(s) printf("sizeof.%s %zu\\n", #s, sizeof(struct s));
      int main(void) {
        N(UFFDIO_API) N(UFFDIO_REGISTER) N(UFFDIO_COPY) N(UFFDIO_ZEROPAGE) N(UFFD_API)
        N(UFFD_EVENT_PAGEFAULT) N(UFFD_EVENT_REMOVE) N(UFFD_FEATURE_EVENT_REMOVE)
        N(SYS_userfaultfd)
        S(uffdio_api) S(uffdio_register) S(uffdio_copy) S(uffdio_zeropage) S(uffd_msg)
        O(uffd_msg, arg.pagefault.address) O(uffd_msg, arg.pagefault.flags)
        O(uffd_msg, arg.remove.start) O(uffd_msg, arg.remove.end)
        S(msghdr) S(iovec) O(msghdr, msg_iov) O(msghdr, msg_iovlen) O(msghdr, msg_control)
        O(msghdr, msg_controllen) O(msghdr, msg_flags)
        N(CMSG_LEN(sizeof(int))) N(CMSG_SPACE(sizeof(int))) N(MSG_CMSG_CLOEXEC) N(MSG_CTRUNC)
        struct cmsghdr c; N((unsigned char *)CMSG_DATA(&c) - (unsigned char *)&c)
        return 0;
      }
      """;

  private static Map<String, Long> system;

  @BeforeAll
  static void compileProbe(@TempDir Path dir) throws IOException {
    system = CProbe.run(dir, PROBE);
  }

  @Test
  void userfaultfdMatchesTheHeaders() {
    for (Ioctl ioctl :
        new Ioctl[] {
          Userfaultfd.API, Userfaultfd.REGISTER, Userfaultfd.COPY, Userfaultfd.ZEROPAGE
        }) {
      assertThat(ioctl.number()).as(ioctl.name()).isEqualTo(system.get(ioctl.name()));
    }
    assertThat(system)
        .containsEntry("UFFD_API", 0xAAL)
        .containsEntry("UFFD_EVENT_PAGEFAULT", (long) Userfaultfd.EVENT_PAGEFAULT)
        .containsEntry("UFFD_EVENT_REMOVE", (long) Userfaultfd.EVENT_REMOVE)
        .containsEntry("UFFD_FEATURE_EVENT_REMOVE", Userfaultfd.FEATURE_EVENT_REMOVE)
        .containsEntry("SYS_userfaultfd", 323L)
        .containsEntry("sizeof.uffdio_api", Userfaultfd.API_SIZE)
        .containsEntry("sizeof.uffdio_register", Userfaultfd.REGISTER_SIZE)
        .containsEntry("sizeof.uffdio_copy", Userfaultfd.COPY_SIZE)
        .containsEntry("sizeof.uffdio_zeropage", Userfaultfd.ZEROPAGE_SIZE)
        .containsEntry("sizeof.uffd_msg", (long) Userfaultfd.MSG_SIZE)
        .containsEntry("uffd_msg.arg.pagefault.flags", 8L)
        .containsEntry("uffd_msg.arg.pagefault.address", 16L)
        .containsEntry("uffd_msg.arg.remove.start", 8L)
        .containsEntry("uffd_msg.arg.remove.end", 16L);
  }

  @Test
  void messageHeadersMatchTheHeaders() {
    assertThat(system)
        .containsEntry("sizeof.msghdr", FdPassing.MSGHDR_SIZE)
        .containsEntry("sizeof.iovec", FdPassing.IOVEC_SIZE)
        .containsEntry("msghdr.msg_iov", FdPassing.MSG_IOV)
        .containsEntry("msghdr.msg_iovlen", FdPassing.MSG_IOVLEN)
        .containsEntry("msghdr.msg_control", FdPassing.MSG_CONTROL)
        .containsEntry("msghdr.msg_controllen", FdPassing.MSG_CONTROLLEN)
        .containsEntry("msghdr.msg_flags", FdPassing.MSG_FLAGS)
        .containsEntry("CMSG_LEN(sizeof(int))", FdPassing.CMSG_LEN_INT)
        .containsEntry("CMSG_SPACE(sizeof(int))", FdPassing.CMSG_SPACE_INT)
        .containsEntry("(unsigned char *)CMSG_DATA(&c) - (unsigned char *)&c", FdPassing.CMSG_DATA);
  }
}
