"""Mutual-TLS handshakes per second against one server, for bench/mesh/mtls.

Each connection presents the client certificate, sends one request with Connection: close and
reads to the end. MODE full (the default) makes a new TLS 1.3 session every time (no session is
offered); MODE resume offers each thread's last session (the ticket the server sent on the
previous connection) and also prints the share of connections the server resumed. OpenSSL does
the handshakes with the GIL released, so a few threads keep a server busy at little client cost;
the same client drives every server in a run, so the ratio compares the servers. TCP_NODELAY as
curl, browsers and the proxies set it: without it the request after the handshake waits for the
server's delayed ACK (40 ms) unless the server happens to send a session ticket first.

usage: handshakes.py HOST:PORT SNI CERT KEY ANCHORS THREADS SECONDS WARMUP_SECONDS [full|resume]
"""
import socket
import ssl
import sys
import threading
import time


def main():
    if len(sys.argv) not in (9, 10) or sys.argv[9:] not in ([], ["full"], ["resume"]):
        sys.exit(__doc__.strip().splitlines()[-1])
    resume = sys.argv[9:] == ["resume"]
    host, port = sys.argv[1].rsplit(":", 1)
    sni, cert, key, anchors = sys.argv[2:6]
    threads, seconds, warmup = int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(cert, key)
    context.load_verify_locations(anchors)
    context.set_alpn_protocols(["http/1.1"])
    request = ("GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % sni).encode()
    target = (host, int(port))

    local = threading.local()

    def once():
        """(answered 200, session resumed)"""
        try:
            with socket.create_connection(target, timeout=10) as raw:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                offer = getattr(local, "session", None) if resume else None
                with context.wrap_socket(raw, server_hostname=sni, session=offer) as tls:
                    tls.sendall(request)
                    answer = tls.recv(4096)
                    while tls.recv(4096):
                        pass
                    # TLS 1.3 tickets arrive after the handshake: read to the end first.
                    if resume:
                        local.session = tls.session
                    return answer.startswith(b"HTTP/1.1 200"), tls.session_reused
        except (OSError, ssl.SSLError):
            return False, False

    def run(duration):
        counts = [0, 0, 0]
        lock = threading.Lock()
        end = time.monotonic() + duration

        def loop():
            ok = failed = reused = 0
            while time.monotonic() < end:
                answered, resumed = once()
                if answered:
                    ok += 1
                    reused += resumed
                else:
                    failed += 1
            with lock:
                counts[0] += ok
                counts[1] += failed
                counts[2] += reused

        workers = [threading.Thread(target=loop) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return counts

    run(warmup)
    ok, failed, reused = run(seconds)
    print("handshakes/s %.0f errors %d resumed%% %.0f" % (ok / seconds, failed, 100.0 * reused / max(ok, 1)))


if __name__ == "__main__":
    main()
