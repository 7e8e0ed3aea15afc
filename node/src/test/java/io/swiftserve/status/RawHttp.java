package io.swiftserve.status;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand over a socket to 127.0.0.1: the JDK's client will not send a Host header
 * of our choosing, which is exactly what a DNS-rebinding page makes a browser send.
 */
final class RawHttp {
    record Answer(int code, String head, String body) {}

    private RawHttp() {}

    /** GET {@code path} on 127.0.0.1:{@code port} with {@code host} as Host (none when null) and {@code extraHeaders} ("K: V\r\n"...). */
    static Answer get(int port, String path, String host, String extraHeaders) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            String request = "GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + extraHeaders + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String head = end < 0 ? all : all.substring(0, end);
            String body = end < 0 ? "" : all.substring(end + 4);
            return new Answer(Integer.parseInt(head.split(" ", 3)[1]), head, body);
        }
    }

    static int port(String statusUrl) {
        String hostPort = statusUrl.substring("http://".length(), statusUrl.length() - 1);
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
