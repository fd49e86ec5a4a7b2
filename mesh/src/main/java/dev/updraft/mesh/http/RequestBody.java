package dev.updraft.mesh.http;

import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body on its way through the proxy: chunks not yet sent (while an endpoint is being
 * chosen), and retained copies for replay on retry, up to 64 KiB (Linkerd's max_request_bytes); a
 * larger body cannot be replayed and its request cannot be retried.
 */
final class RequestBody {
  private final ArrayDeque<HttpContent> unsent = new ArrayDeque<>();
  private final List<ByteBuf> replay = new ArrayList<>();
  private HttpHeaders trailers;
  private int replayBytes;
  private boolean replayable = true;
  private boolean complete;

  /** Records a chunk; returns whether it was the last one. */
  boolean record(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    int size = content.content().readableBytes();
    if (replayable) {
      if (replayBytes + size > RetryPolicy.MAX_REPLAY_BYTES) {
        dropReplay();
      } else if (size > 0) {
        replay.add(content.content().retainedDuplicate());
        replayBytes += size;
      }
      if (last && replayable) {
        HttpHeaders t = ((LastHttpContent) content).trailingHeaders();
        trailers = t.isEmpty() ? null : t.copy();
      }
    }
    complete |= last;
    return last;
  }

  /** Holds a chunk until an upstream exists. */
  void hold(HttpContent content) {
    unsent.add(content);
  }

  boolean complete() {
    return complete;
  }

  boolean replayable() {
    return replayable;
  }

  /** Writes what was held back, for a first attempt. */
  void writeHeld(Channel upstream) {
    HttpContent chunk;
    while ((chunk = unsent.poll()) != null) {
      upstream.write(chunk);
    }
  }

  /** Writes the whole body again from the replay copies, for a retry. */
  void writeReplay(Channel upstream) {
    for (ByteBuf chunk : replay) {
      upstream.write(new DefaultHttpContent(chunk.retainedDuplicate()));
    }
    upstream.write(
        trailers == null
            ? LastHttpContent.EMPTY_LAST_CONTENT
            : new DefaultLastHttpContent(upstream.alloc().buffer(0), trailers.copy()));
  }

  /** Frees every buffer; the body cannot be replayed afterwards. */
  void release() {
    dropReplay();
    HttpContent chunk;
    while ((chunk = unsent.poll()) != null) {
      chunk.release();
    }
  }

  private void dropReplay() {
    replayable = false;
    for (ByteBuf chunk : replay) {
      chunk.release();
    }
    replay.clear();
    replayBytes = 0;
  }
}
