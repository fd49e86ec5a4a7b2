package dev.updraft.mesh.proxy;

import dev.updraft.mesh.config.ConnectionTimeouts;
import dev.updraft.mesh.http.HttpContext;
import dev.updraft.mesh.stack.HttpStack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The HTTP/1 server pipeline a listener builds, on an EmbeddedChannel, with a router that records
 * every request head it is asked to route (what would go upstream) and routes none of them (404).
 */
final class Http1Channel implements AutoCloseable {
  final List<HttpRequest> routed = new ArrayList<>();
  final EmbeddedChannel channel = new EmbeddedChannel();

  Http1Channel() {
    this(ConnectionTimeouts.DEFAULT);
  }

  Http1Channel(ConnectionTimeouts timeouts) {
    channel.freezeTime();
    HttpContext context =
        new HttpContext(
            (request, ch) -> {
              routed.add(request);
              return null;
            },
            System::nanoTime,
            RandomGenerator.of("L64X128MixRandom"),
            "inbound",
            null,
            HttpStack.build());
    ServerPipelines.http1(channel.pipeline(), context, timeouts);
  }

  /** Sends raw bytes as one read. */
  Http1Channel send(byte[] bytes) {
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    channel.runPendingTasks();
    return this;
  }

  Http1Channel send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Everything the pipeline wrote back, as text. */
  String output() {
    StringBuilder out = new StringBuilder();
    Object msg;
    while ((msg = channel.readOutbound()) != null) {
      if (msg instanceof ByteBuf buf) {
        out.append(buf.toString(StandardCharsets.ISO_8859_1));
        buf.release();
      }
    }
    return out.toString();
  }

  /** The status of the first response written, or 0 if none was. */
  static int status(String output) {
    return output.startsWith("HTTP/1.1 ") ? Integer.parseInt(output.substring(9, 12)) : 0;
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }
}
