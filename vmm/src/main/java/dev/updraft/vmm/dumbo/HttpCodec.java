package dev.updraft.vmm.dumbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Request heads parsed and responses encoded by Netty's HTTP/1 codec, each in a throwaway embedded
 * channel: the endpoint does its own framing (one head at a time, no bodies), and Netty does what
 * it does well, reading a head strictly within its limits.
 */
public final class HttpCodec {
  private static final int MAX_LINE = HttpEndpoint.RECEIVE_BUFFER;

  private HttpCodec() {}

  /**
   * A responder that parses each head and hands it to {@code handler}; a head Netty refuses gets
   * 400. HTTP/1.0 requests, and requests with {@code Connection: close}, close after the response.
   */
  public static HttpResponder responder(Function<HttpRequest, FullHttpResponse> handler) {
    return head -> {
      HttpRequest request = parse(head);
      FullHttpResponse response;
      boolean close;
      if (request == null) {
        response = plain(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, "Invalid request.");
        close = true;
      } else {
        response = handler.apply(request);
        close = !HttpUtil.isKeepAlive(request);
      }
      return new HttpResponder.Reply(encode(response), close);
    };
  }

  /** The request in {@code head}, or null if it is not a well-formed HTTP/1 request head. */
  static HttpRequest parse(byte[] head) {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(MAX_LINE, MAX_LINE, 1));
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(head));
      Object first = channel.readInbound();
      if (first instanceof HttpRequest request && request.decoderResult().isSuccess()) {
        return request;
      }
      ReferenceCountUtil.release(first);
      return null;
    } finally {
      Object rest;
      while ((rest = channel.readInbound()) != null) {
        ReferenceCountUtil.release(rest);
      }
      channel.finishAndReleaseAll();
    }
  }

  /** A text/plain response of {@code text}. */
  public static FullHttpResponse plain(
      HttpVersion version, HttpResponseStatus status, String text) {
    return response(version, status, "text/plain", text);
  }

  /** A response with {@code body} of {@code contentType}, with Firecracker's Server header. */
  public static FullHttpResponse response(
      HttpVersion version, HttpResponseStatus status, String contentType, String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(version, status, content);
    response.headers().set(HttpHeaderNames.SERVER, "Firecracker API");
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return response;
  }

  /** The response as bytes on the wire; releases it. */
  static byte[] encode(FullHttpResponse response) {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseEncoder());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      channel.writeOutbound(response);
      ByteBuf chunk;
      while ((chunk = channel.readOutbound()) != null) {
        byte[] bytes = new byte[chunk.readableBytes()];
        chunk.readBytes(bytes);
        out.writeBytes(bytes);
        chunk.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    return out.toByteArray();
  }
}
