package dev.updraft.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP framing of the API on an embedded channel: the bytes curl sends, the bytes it gets. */
class ApiChannelHandlerTest {
  @TempDir Path dir;
  private TestVmm vm;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    vm = new TestVmm(dir);
    // The dispatcher runs on the test thread here; the embedded channel has no event loop.
    channel =
        new EmbeddedChannel(
            new HttpServerCodec(),
            new HttpServerExpectContinueHandler(),
            new ApiChannelHandler(vm.dispatcher, 1024));
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
    vm.close();
  }

  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    StringBuilder response = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      response.append(out.toString(StandardCharsets.ISO_8859_1));
      out.release();
    }
    return response.toString();
  }

  private static String put(String path, String body, String extraHeaders) {
    return "PUT "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\n"
        + extraHeaders
        + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  @Test
  void aBodyWithoutContentTypeIsReadAsJson() {
    String response =
        exchange(
            put(
                "/machine-config",
                "{\"vcpu_count\": 2, \"mem_size_mib\": 256}",
                "Content-Type: application/x-www-form-urlencoded\r\n"));
    assertThat(response)
        .startsWith("HTTP/1.1 204 No Content\r\n")
        .contains("Server: Firecracker API\r\n");
    assertThat(exchange("GET /machine-config HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("Content-Type: application/json\r\n")
        .endsWith(
            "{\"vcpu_count\":2,\"mem_size_mib\":256,\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void anOversizedBodyIsRejectedAndTheConnectionStaysUsable() {
    String big = "{\"boot_args\": \"" + "a".repeat(2000) + "\"}";
    String response = exchange(put("/boot-source", big, ""));
    assertThat(response)
        .startsWith("HTTP/1.1 400 Bad Request\r\n")
        .endsWith(
            "{\"fault_message\":\"Request payload with size "
                + big.length()
                + " is larger than the limit of 1024 allowed by server.\"}");
    assertThat(channel.isOpen()).isTrue();
    assertThat(exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void anOversizedChunkedBodyIsCountedAsItArrives() {
    String chunk = "a".repeat(800);
    String request =
        "PUT /logger HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            + Integer.toHexString(800)
            + "\r\n"
            + chunk
            + "\r\n"
            + Integer.toHexString(800)
            + "\r\n"
            + chunk
            + "\r\n0\r\n\r\n";
    assertThat(exchange(request))
        .startsWith("HTTP/1.1 400")
        .contains("size 1600 is larger than the limit of 1024");
    assertThat(exchange("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void expectContinueIsAnswered() {
    String body = "{\"vcpu_count\": 1, \"mem_size_mib\": 128}";
    String response = exchange(put("/machine-config", body, "Expect: 100-continue\r\n"));
    assertThat(response)
        .startsWith("HTTP/1.1 100 Continue\r\n")
        .contains("HTTP/1.1 204 No Content");
  }

  @Test
  void garbageGetsA400AndTheConnectionIsClosed() {
    String response = exchange("\u0001\u0002 this is not HTTP \r\n\r\n");
    assertThat(response)
        .startsWith("HTTP/1.1 400 Bad Request\r\n")
        .contains("Invalid HTTP request");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void connectionCloseAndHttp10AreHonoured() {
    assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .contains("Connection: close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void faultsAreJson() {
    assertThat(exchange(put("/machine-config", "{\"vcpu_count\": 1", "")))
        .startsWith("HTTP/1.1 400 Bad Request")
        .contains(
            "{\"fault_message\":\"An error occurred when deserializing the json body of a request: ");
  }
}
