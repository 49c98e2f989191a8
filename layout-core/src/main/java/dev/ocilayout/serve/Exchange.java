package dev.ocilayout.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** One request and its response, as the registry code needs them (a thin, blocking view of Jetty's). */
final class Exchange {
    private final Request request;
    private final Response response;
    private boolean committed;
    private int status;
    private long bytesSent;

    Exchange(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    /** The client's address, without port. */
    String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    /** The status sent, or 0 before. */
    int status() {
        return status;
    }

    /** Body bytes sent (for HEAD, none). */
    long bytesSent() {
        return bytesSent;
    }

    String method() {
        return request.getMethod();
    }

    /** The path as sent, still percent-encoded. */
    String rawPath() {
        return request.getHttpURI().getPath();
    }

    /** The query as sent, or null. */
    String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    Map<String, String> query() {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = request.getHttpURI().getQuery();
        if (raw == null) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.putIfAbsent(k, v);
        }
        return q;
    }

    String requestHeader(String name) {
        return request.getHeaders().get(name);
    }

    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    boolean committed() {
        return committed || response.isCommitted();
    }

    /** Sends a status and body; for HEAD the headers only, with the length the body would have. */
    void send(int status, byte[] body) throws IOException {
        committed = true;
        this.status = status;
        response.setStatus(status);
        int length = body == null ? 0 : body.length;
        if (status != 204 && status != 304) {
            response.getHeaders().put("Content-Length", Integer.toString(length));
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (length > 0 && !method().equals("HEAD")) {
                out.write(body);
                bytesSent = length;
            }
        }
    }

    /**
     * Sends {@code length} bytes of a file from {@code start}: mapped in chunks and handed to Jetty as direct
     * buffers, so the bytes go from the page cache to the socket without passing through the heap. Falls back
     * to copying where the file system cannot map (jimfs in tests).
     */
    void sendFile(int status, java.nio.channels.FileChannel file, long start, long length) throws IOException {
        committed = true;
        this.status = status;
        response.setStatus(status);
        response.getHeaders().put("Content-Length", Long.toString(length));
        if (length == 0 || method().equals("HEAD")) {
            blockingWrite(java.nio.ByteBuffer.allocate(0));
            return;
        }
        long pos = start;
        long end = start + length;
        while (pos < end) {
            int n = (int) Math.min(CHUNK, end - pos);
            java.nio.ByteBuffer chunk;
            try {
                chunk = file.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, pos, n);
            } catch (UnsupportedOperationException notMappable) {
                chunk = java.nio.ByteBuffer.allocate(n);
                while (chunk.hasRemaining() && file.read(chunk, pos + chunk.position()) > 0) {
                    // read the chunk
                }
                chunk.flip();
            }
            pos += n;
            bytesSent += n;
            if (pos < end) {
                Content.Sink.write(response, false, chunk);
            } else {
                blockingWrite(chunk);
            }
        }
    }

    private static final int CHUNK = 16 << 20;

    private void blockingWrite(java.nio.ByteBuffer last) throws IOException {
        Content.Sink.write(response, true, last);
    }
}
