package dev.updraft.mesh.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

class ProtocolDetectorTest {
  private static Detection detect(String text) {
    return detect(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Detection detect(byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    int before = buf.readerIndex();
    Detection d = ProtocolDetector.detect(buf);
    assertThat(buf.readerIndex()).as("detection consumes nothing").isEqualTo(before);
    return d;
  }

  @Test
  void recognisesHttp1RequestLines() {
    assertThat(detect("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("POST /x?y=1 HTTP/1.0\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("OPTIONS * HTTP/1.1\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("CONNECT example.com:443 HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
  }

  @Test
  void waitsForMoreOnTruncatedRequestLines() {
    assertThat(detect("GE")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("GET")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("FOO ")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("FOO example.com:80 HTTP/1.")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("FOO example.com:80 HTTP/1.1\r")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("POST ")).as("a target must follow").isEqualTo(Detection.NEED_MORE);
    assertThat(detect("GET htt")).isEqualTo(Detection.NEED_MORE);
    assertThat(detect("G(T / HTTP/1.1")).as("the line end decides").isEqualTo(Detection.NEED_MORE);
  }

  @Test
  void whatStartsLikeHttpIsHttpEvenWhenItsLineIsMalformed() {
    // The HTTP codec refuses these with 400; as opaque TCP they would reach the backend unchecked.
    assertThat(detect("GET  / HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET / SPDY/3\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("DELETE \u0000")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET http://a.example/ HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET\t/ HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    // A line that ends like a request line is one, whatever its method looks like.
    assertThat(detect("G(T / HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("G=\":<>(e),[T];?\" /get HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET key HTTP/1.1\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("GET / http/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("PURGE /x\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("get /x\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("M-SEARCH * HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    // Blanks before the method, which the codec skips, do not turn a request into opaque bytes.
    assertThat(detect("\r\nGET / HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect(" GET / HTTP/1.1\r\n")).isEqualTo(Detection.HTTP1);
    assertThat(detect("\r\n\r\n")).isEqualTo(Detection.NEED_MORE);
  }

  @Test
  void theTimeoutDecidesHttpForAStartedMethodAndOpaqueOtherwise() {
    assertThat(ProtocolDetector.onTimeout(Unpooled.copiedBuffer("GE", StandardCharsets.US_ASCII)))
        .isEqualTo(Detection.HTTP1);
    assertThat(ProtocolDetector.onTimeout(Unpooled.EMPTY_BUFFER)).isEqualTo(Detection.OPAQUE);
    assertThat(ProtocolDetector.onTimeout(Unpooled.copiedBuffer("FOO", StandardCharsets.US_ASCII)))
        .isEqualTo(Detection.OPAQUE);
    assertThat(
            ProtocolDetector.onTimeout(
                Unpooled.copiedBuffer("PRI * HTTP/2.0\r\n", StandardCharsets.US_ASCII)))
        .isEqualTo(Detection.OPAQUE);
  }

  @Test
  void recognisesTheHttp2PrefaceOnlyWhenComplete() {
    assertThat(detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEqualTo(Detection.HTTP2);
    assertThat(detect("PRI * HTTP/2.0\r\n")).isEqualTo(Detection.NEED_MORE);
  }

  @Test
  void everythingElseIsOpaque() {
    assertThat(detect("SSH-2.0-OpenSSH_9.2\r\n")).isEqualTo(Detection.OPAQUE);
    assertThat(detect("*1\r\n$4\r\nPING\r\n")).isEqualTo(Detection.OPAQUE);
    assertThat(detect("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")).isEqualTo(Detection.OPAQUE);
    assertThat(detect("get key\r\n")).as("memcached").isEqualTo(Detection.OPAQUE);
    assertThat(detect("GET key\r\n")).as("Redis inline command").isEqualTo(Detection.OPAQUE);
    assertThat(detect("SET key value\r\n")).as("Redis inline command").isEqualTo(Detection.OPAQUE);
    assertThat(detect("HTTP/1.1\r\n")).as("a version alone").isEqualTo(Detection.OPAQUE);
    assertThat(detect("X\u0000 / HTTP/1.1\r\n")).as("binary at once").isEqualTo(Detection.OPAQUE);
    assertThat(detect("HELLO world\r\n")).isEqualTo(Detection.OPAQUE);
    assertThat(detect(new byte[] {0, 0, 0, 8, 4, (byte) 210, 22, 47})).isEqualTo(Detection.OPAQUE);
    assertThat(detect("X".repeat(ProtocolDetector.MAX_PEEK))).isEqualTo(Detection.OPAQUE);
  }

  @Test
  void readsTheServerNameFromARealClientHello() throws Exception {
    byte[] hello = clientHello("api.example.com");
    assertThat(detect(hello)).isEqualTo(new Detection.Tls("api.example.com"));
    // A truncated hello needs more bytes; any prefix of it is never misread as something else.
    for (int n = 1; n < hello.length; n++) {
      byte[] prefix = java.util.Arrays.copyOf(hello, n);
      assertThat(detect(prefix)).isEqualTo(Detection.NEED_MORE);
    }
  }

  @Test
  void clientHelloWithoutSniIsTlsWithoutName() throws Exception {
    assertThat(detect(clientHello(null))).isEqualTo(new Detection.Tls(null));
  }

  @Test
  void survivesRandomAndCorruptedInput() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    byte[] hello = clientHello("fuzz.example");
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      switch (i % 3) {
        case 0 -> {
          input = new byte[random.nextInt(64)];
          random.nextBytes(input);
        }
        case 1 -> {
          input = hello.clone();
          for (int flips = 0; flips < 1 + random.nextInt(4); flips++) {
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
          }
          input = java.util.Arrays.copyOf(input, 1 + random.nextInt(input.length));
        }
        default -> {
          input = ("GET /" + "a".repeat(random.nextInt(20)) + " HTTP/1.1\r\n").getBytes();
          input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        }
      }
      Detection d = detect(input);
      assertThat(d).as("seed %d, case %d", seed, i).isNotNull();
      if (d instanceof Detection.Tls tls && tls.sni() != null) {
        assertThat(tls.sni()).as("seed %d", seed).matches("[\\x21-\\x7e]+");
      }
    }
  }

  /** A ClientHello as the JDK's TLS stack produces it. */
  static byte[] clientHello(String serverName) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine =
        serverName == null ? context.createSSLEngine() : context.createSSLEngine(serverName, 443);
    engine.setUseClientMode(true);
    if (serverName != null) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setServerNames(java.util.List.of(new SNIHostName(serverName)));
      engine.setSSLParameters(parameters);
    }
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }
}
