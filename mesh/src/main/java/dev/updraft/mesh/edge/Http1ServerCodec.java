package dev.updraft.mesh.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1 codec for a client connection: Netty's request decoder and response encoder, paired as
 * Netty's {@code HttpServerCodec} pairs them (a response to HEAD has no body, a 2xx to CONNECT no
 * framing, at most 128 requests await their responses), and one thing more: after a request that
 * may turn the connection into a tunnel (CONNECT, or an {@code Upgrade} header), it decodes nothing
 * until the proxy knows whether it did. The bytes that follow such a request belong to the tunnel
 * if the backend agrees: they wait undecoded, and when the codec is removed for the tunnel they go
 * on as raw bytes to the backend. If the backend refuses, {@link #resume} decodes them as the next
 * request. Without the hold, a client that sends its first tunnel bytes right behind its CONNECT (a
 * TLS ClientHello) had them decoded as a malformed request and lost.
 */
public final class Http1ServerCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  // Netty's HttpServerCodec default: more requests in flight on one connection close it.
  private static final int MAX_PIPELINE_DEPTH = 128;

  private final ArrayDeque<HttpMethod> unanswered = new ArrayDeque<>(2);
  private ChannelHandlerContext ctx;
  // A request that may open a tunnel is being read, and then read in full: decoding waits.
  private boolean holdAfterRequest;
  private boolean held;
  private boolean discard;
  private boolean closeAfterResponse;

  Http1ServerCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Whether a request may turn its HTTP/1 connection into a byte tunnel if the backend agrees. */
  public static boolean mayTunnel(HttpRequest request) {
    return request.method() == HttpMethod.CONNECT
        || request.headers().contains(HttpHeaderNames.UPGRADE);
  }

  /**
   * Takes the bytes held behind a request that opened a tunnel: they are the tunnel's first. Held
   * in the decoder, they would be handed on raw when it is removed, wherever the pipeline sends
   * them; taken, the caller writes them where they belong.
   */
  public ByteBuf takeHeld() {
    return ((Decoder) inboundHandler()).take();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
  }

  /**
   * The request that might have opened a tunnel did not: what came after it is decoded now, so a
   * pipelined request waits for no further read. Called while the decoder is handing on messages,
   * the decoder simply goes on; otherwise a task decodes the held bytes (never from inside the
   * decoder's own loop, which holds its buffer).
   */
  public void resume() {
    if (held) {
      held = false;
      ctx.executor().execute(this::decodeHeld);
    }
  }

  private void decodeHeld() {
    if (ctx.isRemoved()) {
      return;
    }
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
      channelReadComplete(ctx);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private final class Decoder extends HttpRequestDecoder {
    private Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      if (discard) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (held) {
        return; // the bytes stay in the cumulation: a tunnel's, or the next request's
      }
      int before = out.size();
      super.decode(ctx, in, out);
      for (int i = before; i < out.size(); i++) {
        Object msg = out.get(i);
        if (msg instanceof HttpRequest request) {
          if (unanswered.size() >= MAX_PIPELINE_DEPTH) {
            tooDeep(out, i);
            return;
          }
          unanswered.add(request.method());
          holdAfterRequest = request.decoderResult().isSuccess() && mayTunnel(request);
        }
        if (msg instanceof LastHttpContent && holdAfterRequest) {
          holdAfterRequest = false;
          held = true;
        }
      }
    }

    private ByteBuf take() {
      ByteBuf buffer = internalBuffer();
      return buffer.readRetainedSlice(buffer.readableBytes());
    }

    private void tooDeep(List<Object> out, int from) {
      closeAfterResponse = true;
      discard = true;
      for (int i = from; i < out.size(); i++) {
        ReferenceCountUtil.release(out.get(i));
      }
      out.subList(from, out.size()).clear();
      throw new IllegalStateException("maxPipelineDepth exceeded: " + MAX_PIPELINE_DEPTH);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      super.handleTransferEncodingChunkedWithContentLength(message);
      closeAfterResponse = true;
    }
  }

  private final class Encoder extends HttpResponseEncoder {
    private HttpMethod method;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (closeAfterResponse && msg instanceof LastHttpContent) {
        closeAfterResponse = false;
        promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
      }
      super.write(ctx, msg, promise);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // an interim response answers nothing yet
      }
      method = unanswered.poll();
      return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
    }

    @Override
    protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
      if (!isAlwaysEmpty
          && HttpMethod.CONNECT.equals(method)
          && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
        // RFC 9110 section 9.3.6: a 2xx to CONNECT opens the tunnel; it has no framing.
        msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        return;
      }
      super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
    }
  }
}
