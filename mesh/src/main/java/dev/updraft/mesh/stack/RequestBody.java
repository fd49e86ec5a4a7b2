package dev.updraft.mesh.stack;

import dev.updraft.mesh.http.HttpCall;
import dev.updraft.mesh.resilience.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A request body on its way through the proxy: chunks held until an attempt asks for them (while an
 * endpoint is chosen and connected), and retained copies for replay on retry, up to 64 KiB
 * (Linkerd's max_request_bytes); a larger body cannot be replayed and its request cannot be
 * retried. Its buffers are made only when a body has chunks, so a GET costs nothing here.
 */
final class RequestBody {
  private ArrayDeque<HttpContent> held;
  private ArrayList<ByteBuf> replay;
  private HttpHeaders trailers;
  private int replayBytes;
  private boolean replayable = true;
  private boolean complete;

  /** A body that is {@code complete} from the start has no chunks (a body-less request). */
  RequestBody(boolean complete) {
    this.complete = complete;
  }

  /** Records a chunk for replay; returns whether it was the last one. */
  boolean record(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    int size = content.content().readableBytes();
    if (replayable) {
      if (replayBytes + size > RetryPolicy.MAX_REPLAY_BYTES) {
        dropReplay();
      } else if (size > 0) {
        if (replay == null) {
          replay = new ArrayList<>(4);
        }
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

  /** Holds a chunk until an attempt asks for the body. */
  void hold(HttpContent content) {
    if (held == null) {
      held = new ArrayDeque<>(4);
    }
    held.add(content);
  }

  boolean holding() {
    return held != null && !held.isEmpty();
  }

  /** The next held chunk, or null. */
  HttpContent poll() {
    return held == null ? null : held.poll();
  }

  boolean complete() {
    return complete;
  }

  boolean replayable() {
    return replayable;
  }

  /** Sends the whole body again from the replay copies, for a retry. */
  void replayTo(HttpCall attempt) {
    if (replay != null) {
      for (ByteBuf chunk : replay) {
        attempt.requestContent(new DefaultHttpContent(chunk.retainedDuplicate()));
      }
    }
    attempt.requestContent(
        trailers == null
            ? LastHttpContent.EMPTY_LAST_CONTENT
            : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers.copy()));
  }

  /** Drops what is held: a retry replays the whole body instead. */
  void dropHeld() {
    HttpContent chunk;
    while ((chunk = poll()) != null) {
      chunk.release();
    }
  }

  /** Frees every buffer; the body cannot be replayed afterwards. */
  void release() {
    dropReplay();
    dropHeld();
  }

  private void dropReplay() {
    replayable = false;
    if (replay != null) {
      for (ByteBuf chunk : replay) {
        chunk.release();
      }
      replay.clear();
    }
    replayBytes = 0;
  }
}
