package dev.updraft.mesh.conformance;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A raw-socket HTTP/2 client: writes a case's frames as they are and reads the proxy's frames with
 * Netty's frame reader, acknowledging SETTINGS and PING like any peer.
 */
final class H2Client implements AutoCloseable {
  /** What came back on one stream. */
  record StreamResult(int status, boolean ended, long reset) {
    String summary() {
      if (reset >= 0) {
        return "RST " + errorName(reset);
      }
      return (status == 0 ? "no response" : String.valueOf(status)) + (ended ? "" : " (open)");
    }
  }

  /** The connection as the case left it. */
  record Outcome(Map<Integer, StreamResult> streams, long goAway, boolean closed, String error) {
    StreamResult stream(int id) {
      return streams.getOrDefault(id, new StreamResult(0, false, -1));
    }
  }

  private final long deadline;
  private final Socket socket;
  private final OutputStream out;
  private final Map<Integer, StreamResult> streams = new ConcurrentHashMap<>();
  private final EmbeddedChannel context = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
  private volatile long goAway = -1;
  private volatile boolean closed;
  private volatile String error;

  H2Client(int port, Duration deadline) throws IOException {
    this.deadline = System.nanoTime() + deadline.toNanos();
    this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
    this.out = socket.getOutputStream();
    Thread.ofVirtual().name("h2-client-read-" + port).start(this::read);
  }

  Outcome run(List<Step> steps) {
    for (Step step : steps) {
      switch (step) {
        case Step.Send s -> write(s.bytes());
        case Step.Pause p -> H1Client.sleep(p.duration().toMillis());
        case Step.Await a -> awaitStream(a.stream());
        case Step.Drip d -> throw new IllegalArgumentException("h2 cases: drip (expected: send)");
        case Step.Shutdown s -> throw new IllegalArgumentException("h2 cases: shutdown");
        case Step.Reset r -> throw new IllegalArgumentException("h2 cases: reset");
        case Step.Reconnect r -> throw new IllegalArgumentException("h2 cases: reconnect");
        case Step.Probe p -> throw new IllegalArgumentException("h2 cases: probe");
      }
    }
    H1Client.sleep(300);
    return new Outcome(new TreeMap<>(streams), goAway, closed, error);
  }

  private void awaitStream(int id) {
    while (System.nanoTime() < deadline && !closed && goAway < 0 && error == null) {
      StreamResult r = streams.get(id);
      if (r != null && (r.ended() || r.reset() >= 0)) {
        return;
      }
      H1Client.sleep(10);
    }
  }

  private synchronized void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The proxy went away; what it said before that is in the outcome.
    }
  }

  private void read() {
    ChannelHandlerContext ctx = context.pipeline().firstContext();
    ByteBuf buffer = Unpooled.buffer();
    try (DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true)) {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[16384];
      int n;
      while ((n = in.read(chunk)) > 0) {
        buffer.writeBytes(chunk, 0, n);
        reader.readFrame(ctx, buffer, new Listener());
        buffer.discardReadBytes();
      }
    } catch (IOException e) {
      // A reset counts as a close.
    } catch (Http2Exception e) {
      error = "invalid frames from the proxy: " + e.getMessage();
    } finally {
      buffer.release();
      closed = true;
    }
  }

  private final class Listener extends Http2FrameAdapter {
    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx, int id, Http2Headers headers, int padding, boolean end) {
      StreamResult old = streams.get(id);
      int status = old != null && old.status() != 0 ? old.status() : parse(headers.status());
      streams.put(id, new StreamResult(status, end, -1));
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int id,
        Http2Headers headers,
        int dependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean end) {
      onHeadersRead(ctx, id, headers, padding, end);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int id, ByteBuf data, int padding, boolean end) {
      if (end) {
        StreamResult old = streams.getOrDefault(id, new StreamResult(0, false, -1));
        streams.put(id, new StreamResult(old.status(), true, -1));
      }
      return data.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int id, long errorCode) {
      StreamResult old = streams.getOrDefault(id, new StreamResult(0, false, -1));
      streams.put(id, new StreamResult(old.status(), old.ended(), errorCode));
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int last, long errorCode, ByteBuf debug) {
      goAway = errorCode;
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
      write(H2Wire.frame(H2Wire.SETTINGS, H2Wire.ACK, 0, new byte[0]));
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
      byte[] payload = new byte[8];
      for (int i = 0; i < 8; i++) {
        payload[i] = (byte) (data >>> (56 - 8 * i));
      }
      write(H2Wire.frame(H2Wire.PING, H2Wire.ACK, 0, payload));
    }
  }

  private static int parse(CharSequence status) {
    try {
      return status == null ? 0 : Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String errorName(long code) {
    return switch ((int) code) {
      case 0 -> "NO_ERROR";
      case 1 -> "PROTOCOL_ERROR";
      case 2 -> "INTERNAL_ERROR";
      case 7 -> "REFUSED_STREAM";
      case 8 -> "CANCEL";
      default -> "error " + code;
    };
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Already reset by the proxy.
    }
    context.finishAndReleaseAll();
  }
}
