package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.sys.testing.NeedsProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --metadata} and {@code --mmds-size-limit}, as the VMM process takes them. */
class MetadataFlagIT {
  @TempDir Path dir;

  @Test
  @NeedsProgram(value = "curl", debian = "curl")
  void theMetadataFileFillsTheStore() throws Exception {
    Path metadata = Files.writeString(dir.resolve("metadata.json"), "{\"latest\": {\"id\": 7}}");
    Path socket = dir.resolve("fc.sock");
    try (VmmProcess vmm =
        VmmProcess.start(socket, "--api-sock", socket.toString(), "--metadata", metadata.toString())
            .awaitSocket()) {
      VmmProcess.Reply reply = vmm.get("/mmds");
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("{\"latest\":{\"id\":7}}");
      assertThat(vmm.out()).contains("Successfully added metadata to mmds from file");
    }
  }

  @Test
  void badMetadataEndsTheVmmWith152() throws Exception {
    Path socket = dir.resolve("fc.sock");
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"a\": ");
    VmmProcess notJson =
        VmmProcess.start(socket, "--api-sock", socket.toString(), "--metadata", broken.toString());
    assertThat(notJson.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(notJson.err()).contains("--metadata " + broken + ":");

    Path big = Files.writeString(dir.resolve("big.json"), "{\"a\": \"0123456789\"}");
    VmmProcess tooBig =
        VmmProcess.start(
            dir.resolve("fc2.sock"),
            "--api-sock",
            dir.resolve("fc2.sock").toString(),
            "--metadata",
            big.toString(),
            "--mmds-size-limit",
            "10");
    assertThat(tooBig.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(tooBig.err()).contains("(expected: at most 10, --mmds-size-limit)");

    VmmProcess missing =
        VmmProcess.start(
            dir.resolve("fc3.sock"),
            "--api-sock",
            dir.resolve("fc3.sock").toString(),
            "--metadata",
            dir.resolve("none.json").toString());
    assertThat(missing.awaitExit()).isEqualTo(ExitCode.BAD_CONFIGURATION);
    assertThat(missing.err()).contains("none.json: unreadable");
  }
}
