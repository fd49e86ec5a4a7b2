package dev.updraft.vmm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.GuestReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firecracker's pmem guide ({@code docs/pmem.md}) against {@code updraft vm} as its own process on
 * real KVM, its default seccomp filters on, with the pmem test guest in place of Linux: the API
 * request of the guide, and the config file's {@code pmem} section with {@code read_only}.
 */
@Tag("kvm")
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
class PmemGuideIT {
  private static final String[] JSON = {
    "Accept: application/json", "Content-Type: application/json"
  };
  private static final long MARKER = 0x1234_5678_9abc_def0L;
  private static final long WRITE = 0x0fed_cba9_8765_4321L;

  @TempDir Path dir;
  private VmmOnKvm vmm;

  @AfterEach
  void tearDown() throws Exception {
    if (vmm != null) {
      vmm.close();
      System.out.println("console:\n" + vmm.consoleText());
    }
  }

  private Path file() throws Exception {
    byte[] bytes = new byte[3 << 20];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, MARKER);
    return Files.write(dir.resolve("some_file"), bytes);
  }

  private static long longAt(Path file, int offset) throws Exception {
    return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
  }

  private static String bootArgs(String extra) {
    return "console=ttyS0 reboot=k marker=0x"
        + Long.toHexString(MARKER)
        + " write=0x"
        + Long.toHexString(WRITE)
        + extra;
  }

  @Test
  void theGuidesRequestGivesTheGuestItsFileAndAFlushedStoreReachesIt() throws Exception {
    Path file = file();
    vmm = VmmOnKvm.start(dir.resolve("fc.sock"), dir.resolve("console.txt"));
    String pmem =
        "{\"id\": \"pmem0\", \"path_on_host\": \""
            + file
            + "\", \"root_device\": true, \"read_only\": false}";
    assertThat(vmm.curl("PUT", "/pmem/pmem0", pmem, JSON)).isEqualTo("204");
    JsonNode config =
        new ObjectMapper().readTree(vmm.curl("GET", "/vm/config", null).substring(4)).get("pmem");
    assertThat(config).hasSize(1);
    assertThat(config.get(0).get("path_on_host").asText()).isEqualTo(file.toString());
    assertThat(config.get(0).get("root_device").asBoolean()).isTrue();
    vmm.expect204(
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("pmem")
            + "\", \"boot_args\": \""
            + bootArgs("")
            + "\"}");
    vmm.expect204("PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText())
        .requirePassed("pmem-found", "pmem-region", "pmem-read", "pmem-write", "pmem-flush");
    assertThat(longAt(file, 8)).isEqualTo(WRITE);
  }

  @Test
  void theConfigFilesReadOnlyPmemKeepsTheFileAsItWas() throws Exception {
    Path file = file();
    Path config =
        Files.writeString(
            dir.resolve("vm.json"),
            "{\"boot-source\": {\"kernel_image_path\": \""
                + GuestImages.pvh("pmem")
                + "\", \"boot_args\": \""
                + bootArgs(" ro=1")
                + "\"}, \"pmem\": [{\"id\": \"pmem0\", \"path_on_host\": \""
                + file
                + "\", \"root_device\": false, \"read_only\": true}]}");
    vmm =
        VmmOnKvm.start(
            dir.resolve("fc.sock"), dir.resolve("console.txt"), "--config-file", config.toString());
    assertThat(vmm.awaitExit()).isZero();
    GuestReport.parse(vmm.consoleText()).requirePassed("pmem-read", "pmem-read-only");
    assertThat(longAt(file, 8)).isZero();
  }
}
