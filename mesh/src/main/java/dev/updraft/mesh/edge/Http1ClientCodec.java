package dev.updraft.mesh.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1 codec for a connection to a backend: Netty's response decoder, stricter where Netty is
 * lenient with what a backend sends, and aware of the requests it answers. Beyond Netty's checks it
 * refuses a status line that does not start with exactly {@code HTTP/1.1} or {@code HTTP/1.0} (no
 * leading whitespace, the HTTP-name in capitals), a status other than three digits after a single
 * space, whitespace after a field name (Netty would drop {@code Y} from {@code X Y: z} silently),
 * and a {@code 101} to a request that asked for no upgrade. Each becomes a failed decode, which
 * {@link ResponseGuard} turns into a 502.
 *
 * <p>Like Netty's {@code HttpClientCodec} it knows that a response to HEAD has no body and that a
 * 2xx to CONNECT opens a tunnel (raw bytes follow). Unlike it, a backend that sends bytes when no
 * request awaits an answer (after a body-less 204, 304 or HEAD response that came with a body, or
 * on an idle connection) is closed: what it says next cannot be trusted, and a pooled connection
 * must never hand such bytes to the next request.
 */
public final class Http1ClientCodec
    extends CombinedChannelDuplexHandler<HttpResponseDecoder, HttpRequestEncoder> {
  private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

  /** A request written and not yet answered in full. */
  private record Sent(HttpMethod method, boolean upgrade) {}

  private final ArrayDeque<Sent> unanswered = new ArrayDeque<>(2);
  private boolean tunnelled;

  Http1ClientCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  private final class Encoder extends HttpRequestEncoder {
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out)
        throws Exception {
      if (msg instanceof HttpRequest request) {
        unanswered.add(
            new Sent(request.method(), request.headers().contains(HttpHeaderNames.UPGRADE)));
      }
      super.encode(ctx, msg, out);
    }
  }

  private final class Decoder extends HttpResponseDecoder {
    private int versionEnd;
    private boolean interim;

    private Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      if (!tunnelled && unanswered.isEmpty()) {
        unasked(ctx, in);
        return;
      }
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        Object msg = out.get(i);
        if (msg instanceof HttpResponse response) {
          int code = response.status().code();
          interim = code >= 100 && code < 200 && code != 101;
        }
        if (msg instanceof LastHttpContent) {
          if (!interim) {
            unanswered.poll();
          }
          interim = false;
        }
      }
    }

    private void unasked(ChannelHandlerContext ctx, ByteBuf in) {
      // Empty lines between messages are what Netty skips before a status line anyway.
      while (in.isReadable()
          && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
        in.skipBytes(1);
      }
      if (in.isReadable()) {
        in.skipBytes(in.readableBytes());
        ctx.close();
      }
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) {
      if (initialLine[1].equals("101")) {
        Sent sent = unanswered.peek();
        if (sent == null || !sent.upgrade()) {
          throw new IllegalArgumentException(
              "101 Switching Protocols to a request that asked for no upgrade");
        }
      }
      return super.createMessage(initialLine);
    }

    @Override
    protected String splitFirstWordInitialLine(byte[] line, int start, int length) {
      // Netty parses each line into a scratch array from index 0: anything before is whitespace.
      if (start != 0) {
        throw new IllegalArgumentException("whitespace before the status line");
      }
      if (!equal(line, start, length, HTTP_1_1) && !equal(line, start, length, HTTP_1_0)) {
        throw invalid("version", line, start, length, "HTTP/1.1 or HTTP/1.0");
      }
      versionEnd = start + length;
      return super.splitFirstWordInitialLine(line, start, length);
    }

    @Override
    protected String splitSecondWordInitialLine(byte[] line, int start, int length) {
      if (start != versionEnd + 1 || line[versionEnd] != ' ') {
        throw new IllegalArgumentException("status line: one space expected after the version");
      }
      if (length != 3 || !digits(line, start, length)) {
        throw invalid("status", line, start, length, "three digits");
      }
      return super.splitSecondWordInitialLine(line, start, length);
    }

    @Override
    protected AsciiString splitHeaderName(byte[] line, int start, int length) {
      // Netty ends a response's field name at whitespace and then looks for the colon, dropping
      // what lies between; RFC 9112 §5.1 lets a proxy refuse such a response.
      byte next = line[start + length];
      if (next == ' ' || next == '\t') {
        throw invalid("field name", line, start, length, "a colon right after it");
      }
      return super.splitHeaderName(line, start, length);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      int code = ((HttpResponse) msg).status().code();
      Sent sent = unanswered.peek();
      if (code >= 200 && sent != null) {
        if (HttpMethod.HEAD.equals(sent.method())) {
          return true;
        }
        if (HttpMethod.CONNECT.equals(sent.method()) && code < 300) {
          return true;
        }
      }
      return super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected boolean isSwitchingToNonHttp1Protocol(HttpResponse msg) {
      int code = msg.status().code();
      Sent sent = unanswered.peek();
      boolean connected =
          sent != null && HttpMethod.CONNECT.equals(sent.method()) && code >= 200 && code < 300;
      if (connected || super.isSwitchingToNonHttp1Protocol(msg)) {
        tunnelled = true; // what follows is the tunnel's raw bytes
        return true;
      }
      return false;
    }
  }

  private static IllegalArgumentException invalid(
      String what, byte[] line, int start, int length, String expected) {
    String text = new String(line, start, length, StandardCharsets.ISO_8859_1);
    return new IllegalArgumentException(what + ": " + text + " (expected: " + expected + ")");
  }

  private static boolean equal(byte[] line, int start, int length, byte[] expected) {
    if (length != expected.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (line[start + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean digits(byte[] line, int start, int length) {
    for (int i = start; i < start + length; i++) {
      if (line[i] < '0' || line[i] > '9') {
        return false;
      }
    }
    return true;
  }
}
