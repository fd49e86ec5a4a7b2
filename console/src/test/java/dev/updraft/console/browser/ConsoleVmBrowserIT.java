package dev.updraft.console.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.updraft.console.Console;
import dev.updraft.console.ConsoleConfig;
import dev.updraft.sys.testing.NeedsProgram;
import dev.updraft.vmm.api.VmmMain;
import dev.updraft.vmm.testing.GuestImages;
import dev.updraft.vmm.testing.JavaProcesses;
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
import org.openqa.selenium.support.ui.ExpectedConditions;

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
    bootTimerGuest(socket);
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
    browser.await(
        Duration.ofSeconds(20),
        ExpectedConditions.textToBe(By.cssSelector("[role=status]"), "added " + socket));

    String row = browser.driver.findElement(By.id("vm-0")).getText();
    assertThat(row).contains(socket.toString()).contains("Running").contains("32 MiB");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .boot")).getText())
        .as("boot time")
        .matches("[0-9.]+ (ms|s)");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .devices")).getText())
        .contains("uart")
        .contains("write_count=");
    browser.screenshot("vms");

    click("vm-0", "Pause", "pause: done");
    assertThat(browser.driver.findElement(By.cssSelector("#vm-0 .state")).getText())
        .isEqualTo("Paused");
    assertThat(curl(socket, "GET", "/", null)).startsWith("200 ").contains("\"state\":\"Paused\"");
    browser.screenshot("vm-paused");

    click("vm-0", "Resume", "resume: done");
    assertThat(curl(socket, "GET", "/", null)).contains("\"state\":\"Running\"");
  }

  @Test
  void theMicroVmsOfAServeProcessAreListedAndPausedThroughTheirOwnSockets() throws Exception {
    Path dir = Files.createDirectory(this.dir.resolve("serve"));
    Path management = dir.resolve("management.socket");
    vmm = start(management, this.dir.resolve("serve.out"), "serve", "--socket-dir", dir.toString());
    for (String id : List.of("a", "b")) {
      Path serial = this.dir.resolve(id + ".serial");
      assertThat(
              curl(
                  management,
                  "POST",
                  "/vms",
                  "{\"id\": \"" + id + "\", \"serial_out_path\": \"" + serial + "\"}"))
          .startsWith("201 ");
      Path socket = dir.resolve(id + ".sock");
      bootTimerGuest(socket);
      awaitOutput(serial, "ready");
    }

    console =
        Console.start(
            new ConsoleConfig(
                new InetSocketAddress("127.0.0.1", 0),
                List.of(),
                List.of(management),
                null,
                Duration.ofSeconds(2)));
    browser = new Browser();
    browser.driver.get("http://127.0.0.1:" + console.address().getPort() + "/vms");
    for (int i = 0; i < 2; i++) {
      assertThat(browser.driver.findElement(By.id("vm-" + i)).getText())
          .contains(dir.resolve(List.of("a", "b").get(i) + ".sock").toString())
          .contains("Running")
          .contains("32 MiB")
          .contains(management.toString());
    }
    browser.screenshot("vms-serve");

    // a goes away between the page and the click on b's button: the click must not hit a VM it
    // was not shown beside.
    assertThat(curl(management, "DELETE", "/vms/a", null)).isEqualTo("204");
    click("vm-1", "Pause", "pause: the list of microVMs changed; try again");
    assertThat(browser.driver.findElements(By.id("vm-1"))).isEmpty();
    assertThat(browser.driver.findElement(By.id("vm-0")).getText()).contains("b.sock");

    click("vm-0", "Pause", "pause: done");
    assertThat(curl(dir.resolve("b.sock"), "GET", "/", null)).contains("\"state\":\"Paused\"");
  }

  /**
   * Clicks {@code button} in the row {@code row} and waits for the page that says {@code status}:
   * the click returns before the form's POST has been answered.
   */
  private void click(String row, String button, String status) {
    browser
        .driver
        .findElement(By.xpath("//tr[@id='" + row + "']//button[text()='" + button + "']"))
        .click();
    browser.await(
        Duration.ofSeconds(20),
        ExpectedConditions.textToBe(By.cssSelector("[role=status]"), status));
  }

  /** Boots the vmm's boot-timer test guest, told to stay up, in 32 MiB through {@code socket}. */
  private static void bootTimerGuest(Path socket) throws Exception {
    curl204(
        socket,
        "PUT",
        "/boot-source",
        "{\"kernel_image_path\": \""
            + GuestImages.pvh("boottimer")
            + "\", \"boot_args\": \"console=ttyS0 wait_ms=600000\"}");
    curl204(socket, "PUT", "/machine-config", "{\"vcpu_count\": 1, \"mem_size_mib\": 32}");
    curl204(socket, "PUT", "/actions", "{\"action_type\": \"InstanceStart\"}");
  }

  /** {@code updraft vm --api-sock SOCKET --boot-timer} on this class path, seccomp on. */
  private static Process startVmm(Path socket, Path output) throws Exception {
    return start(socket, output, "--api-sock", socket.toString(), "--boot-timer");
  }

  /** The VMM's main with {@code args} on this class path; waits for {@code socket}. */
  private static Process start(Path socket, Path output, String... args) throws Exception {
    List<String> command = JavaProcesses.java(VmmMain.class, args).command();
    return JavaProcesses.launch(command, output, socket, "the VMM", "API socket");
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
