package dev.updraft.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.console.Console;
import dev.updraft.console.ConsoleConfig;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.GuestImages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The console's microVM page in a real browser against a real {@code updraft vm} on KVM: a tiny
 * freestanding guest (the vmm's boot-timer guest, told to stay up) is added by its API socket on
 * the page, shows its state, vCPUs, memory, boot time and device counters, and is paused and
 * resumed with the page's buttons, as the Firecracker API then reports.
 */
@EnabledIf(value = "dev.updraft.sys.Host#kvmAvailable", disabledReason = "needs /dev/kvm")
@NeedsProgram(value = "gcc", debian = "gcc")
@NeedsProgram(value = "curl", debian = "curl")
@NeedsProgram(value = "chromium", debian = "chromium")
@NeedsProgram(value = "chromedriver", debian = "chromium-driver")
class ConsoleVmBrowserIT {
  @TempDir Path dir;
  private Process vmm;
  private Console console;
  private Browser browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (console != null) {
      console.close();
    }
    if (vmm != null) {
      vmm.destroyForcibly();
    }
  }

  @Test
  void aMicroVmCanBePausedFromThePage() throws Exception {
    Path socket = dir.resolve("fc.sock");
    Path output = dir.resolve("console.txt");
    Path log = Files.createFile(dir.resolve("fc.log"));
    Path metrics = Files.createFile(dir.resolve("metrics.json"));
    vmm = startVmm(socket, output);
    curl204(socket, "PUT", "/logger", "{\"log_path\": \"" + log + "\", \"level\": \"Info\"}");
    curl204(socket, "PUT", "/metrics", "{\"metrics_path\": \"" + metrics + "\"}");
    curl204(
        socket,
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("boottimer")
            + "\", \"boot_args\": \"console=ttyS0 wait_ms=600000\"}");
    curl204(socket, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 32}");
    curl204(socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
    awaitOutput(output, "ready");
    // The serial port's counters reach the metrics file at a flush; the page shows the last one.
    curl204(socket, "PUT", "/actions", "{\"action_type\": \"FlushMetrics\"}");

    console =
        Console.start(
            new ConsoleConfig(
                new InetSocketAddress("127.0.0.1", 0),
                List.of(),
                List.of(),
                null,
                Duration.ofSeconds(2)));
    browser = new Browser();
    browser.driver.get("http://127.0.0.1:" + console.address().getPort() + "/vms");
    browser.driver.findElement(By.id("socket")).sendKeys(socket.toString());
    browser.driver.findElement(By.xpath("//button[text()='Add']")).click();

    String row = browser.driver.findElement(By.id("vm-0")).getText();
    assertThat(row).contains(socket.toString()).contains("Running").contains("32 MiB");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .boot")).getText())
        .as("boot time")
        .matches("[0-9.]+ (ms|s)");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .devices")).getText())
        .contains("uart")
        .contains("write_count=");
    browser.screenshot("vms");

    browser.driver.findElement(By.xpath("//tr[@id='vm-0']//button[text()='Pause']")).click();
    assertThat(browser.driver.findElement(By.cssSelector("[role=status]")).getText())
        .isEqualTo("pause: done");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .state")).getText())
        .isEqualTo("Paused");
    assertThat(curl(socket, "GET", "/", null)).startsWith("200 ").contains("\"state\":\"Paused\"");
    browser.screenshot("vm-paused");

    browser.driver.findElement(By.xpath("//tr[@id='vm-0']//button[text()='Resume']")).click();
    assertThat(curl(socket, "GET", "/", null)).contains("\"state\":\"Running\"");
  }

  /** {@code updraft vm --api-sock SOCKET --boot-timer} on this class path, seccomp on. */
  private static Process startVmm(Path socket, Path output) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            VmmMain.class.getName(),
            "--api-sock",
            socket.toString(),
            "--boot-timer");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(socket)) {
      assertThat(process.isAlive()).as("the VMM runs: " + read(output)).isTrue();
      assertThat(System.nanoTime()).as("its API socket within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
    return process;
  }

  private static void awaitOutput(Path output, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!read(output).contains(text)) {
      assertThat(System.nanoTime())
          .as("'" + text + "' from the guest within 60 s: " + read(output))
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void curl204(Path socket, String method, String path, String body)
      throws Exception {
    assertThat(curl(socket, method, path, body)).as(method + " " + path).isEqualTo("204");
  }

  /** The Firecracker API answer: its status, then its body when there is one. */
  private static String curl(Path socket, String method, String path, String body)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("curl", "-s", "-X", method, "--unix-socket", socket.toString()));
    if (body != null) {
      command.addAll(List.of("-H", "Content-Type: application/json", "--data", body));
    }
    command.addAll(List.of("-w", "\n%{http_code}", "http://localhost" + path));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    int nl = out.lastIndexOf('\n');
    String text = out.substring(0, nl).trim();
    String code = out.substring(nl + 1).trim();
    return text.isEmpty() ? code : code + " " + text;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
